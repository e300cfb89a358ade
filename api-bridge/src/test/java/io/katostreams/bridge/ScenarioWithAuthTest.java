package io.katostreams.bridge;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The user scenarios once more with {@code KATO_AUTH=api_key}: a client that sends its key (an
 * admin key of every node) sees exactly the behaviour of spec 01.
 */
class ScenarioWithAuthTest extends ScenarioTest {

    /** Hides {@link ScenarioTest#start()}: the auth-on stack instead of the open one. */
    @BeforeAll
    static void start() {
        Api.defaultHeaders = new String[] {"X-API-Key", KatoStack.AUTH_ADMIN_KEY};
        stack = KatoStack.sharedWithAuth();
        api = stack.api;
    }

    @AfterAll
    static void noDefaultKey() {
        Api.defaultHeaders = new String[0];
    }
}
