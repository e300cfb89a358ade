package io.katostreams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console behind the front door (issue 14's authorization case, docs/security.md), in a real
 * headless Chromium against the standalone runtime with {@code KATO_AUTH=api_key}: without a key the
 * console shows the 401 message; a key scoped to node A trains A and sees it; a key scoped to node B
 * sees nothing of A (no node listed, A's session "not found", A's patterns refused); the Live page's
 * WebSocket opens with an admin key sent as a subprotocol (never in the URL), and a writer of A still
 * sees A's observations arrive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAuthBrowserTest {
    private static final Duration WAIT = HeadlessChromium.WAIT;
    private static final String NODE_A = "auth-a";
    private static final String KEY_ADMIN = "k-admin-" + UUID.randomUUID();
    private static final String KEY_A = "k-a-" + UUID.randomUUID();
    private static final String KEY_B = "k-b-" + UUID.randomUUID();

    @TempDir
    static Path dir;

    private static KatoStandalone kato;
    private static ChromeDriver driver;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The session key A created through Try it. */
    private static String sessionA;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = KatoStandalone.privateInstance(dir.resolve("data"));
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_METRICS_PORT", "0");
        env.put("KATO_AUTH", "api_key");
        env.put("KATO_API_KEYS", String.join(";",
                "ops:admin:*:" + sha256(KEY_ADMIN),
                "app-a:writer:auth-a*:" + sha256(KEY_A),
                "app-b:writer:auth-b*:" + sha256(KEY_B)));
        kato = KatoStandalone.start(env);
        base = "http://localhost:" + kato.restPort();

        driver = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (kato != null) {
            kato.close();
        }
    }

    @Test
    @Order(1)
    void withoutAKeyTheConsoleShowsThe401Message() {
        driver.get(base + "/console#/nodes");
        await("the 401 message", () -> text(By.id("main")).contains("This server needs an API key"));
        assertTrue(driver.findElements(By.id("nodes-table")).isEmpty());
    }

    @Test
    @Order(2)
    void aKeyOfNodeATrainsItAndSeesIt() {
        useKey(KEY_A);
        driver.get(base + "/console#/try");
        type(By.id("try-node"), NODE_A);
        driver.findElement(By.id("try-start")).click();
        await("a session is started", () -> text(By.id("try-session")).contains("session-"));
        sessionA = driver.findElement(By.cssSelector("#try-session a.mono")).getText();
        observe("alpha", 1);
        observe("beta", 2);
        driver.findElement(By.id("try-learn")).click();
        await("the pattern is learned", () -> text(By.id("try-result")).contains("\"status\": \"learned\""));
        observe("alpha", 1);

        driver.get(base + "/console#/nodes");
        await("node A is listed with its pattern", () -> {
            List<WebElement> rows = driver.findElements(By.cssSelector("#nodes-table tbody tr"));
            return rows.size() == 1 && rows.get(0).getText().startsWith(NODE_A + " 1 ");
        });
        driver.get(base + "/console#/patterns?node=" + NODE_A);
        await("A's pattern is listed", () -> driver.findElements(By.cssSelector("#patterns-table tbody tr")).size() == 1);
        driver.get(base + "/console#/session/" + sessionA);
        await("A's session shows its STM", () -> driver.findElements(By.cssSelector(".timeline li.event")).size() == 1);
    }

    @Test
    @Order(3)
    void aKeyOfNodeBSeesNothingOfA() {
        useKey(KEY_B);
        driver.get(base + "/console#/nodes");
        await("no node is listed", () -> text(By.id("main")).contains("No node has learned anything yet"));
        assertTrue(driver.findElements(By.id("nodes-table")).isEmpty());
        assertFalse(text(By.id("main")).contains(NODE_A));

        driver.get(base + "/console#/sessions");
        await("no session is listed", () -> text(By.id("main")).contains("No live session."));
        assertFalse(text(By.id("main")).contains(sessionA), text(By.id("main")));

        driver.get(base + "/console#/session/" + sessionA);
        await("A's session opens as not found", () -> text(By.id("main")).contains("not found"));
        assertTrue(driver.findElements(By.cssSelector(".timeline li.event")).isEmpty());

        driver.get(base + "/console#/patterns?node=" + NODE_A);
        await("A's patterns are refused", () -> text(By.id("main")).contains("not allowed to see this"));
        assertTrue(driver.findElements(By.cssSelector("#patterns-table tbody tr")).isEmpty());
    }

    @Test
    @Order(4)
    void liveWorksWithTheRightKey() throws Exception {
        // an admin key: the WebSocket opens with the key as a subprotocol, and session events arrive
        useKey(KEY_ADMIN);
        driver.get(base + "/console#/live?node=" + NODE_A);
        await("the WebSocket is connected", () -> text(By.id("ws-state")).equals("connected"));
        await("the first reading", () -> !driver.findElement(By.id("live-feed")).getAttribute("data-readings").equals("0"));
        String other = post("/sessions", "{\"node_id\": \"" + NODE_A + "\"}", KEY_A);
        other = other.replaceAll("(?s).*\"session_id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        String created = other;
        await("the session event arrives", () -> text(By.id("live-feed")).contains("created " + created));
        post("/sessions/" + other + "/observe", "{\"strings\": [\"livesymbol\"]}", KEY_A);
        await("the observation arrives", () -> driver.findElements(By.cssSelector("#live-feed .feed-item.observation"))
                .stream().anyMatch(e -> e.getText().contains("livesymbol")));
        // the key went as a subprotocol, not in the URL: the page's resources name no key
        String urls = String.valueOf(((JavascriptExecutor) driver).executeScript(
                "return performance.getEntries().map(e => e.name).join(' ') + ' ' + location.href"));
        assertFalse(urls.contains(KEY_ADMIN), urls);

        // a writer of A: the WebSocket (every node's session events) is refused and the page says
        // why, A's observations still arrive through the node-scoped routes
        useKey(KEY_A);
        driver.get(base + "/console#/live?node=" + NODE_A);
        await("the WebSocket is refused with the reason", () -> text(By.id("ws-state")).contains("needs an admin key"));
        await("the first reading", () -> !driver.findElement(By.id("live-feed")).getAttribute("data-readings").equals("0"));
        post("/sessions/" + other + "/observe", "{\"strings\": [\"second\"]}", KEY_A);
        await("the observation arrives", () -> driver.findElements(By.cssSelector("#live-feed .feed-item.observation"))
                .stream().anyMatch(e -> e.getText().contains("second")));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static void useKey(String key) {
        driver.get(base + "/console#/try");
        type(By.id("api-key"), key);
        driver.findElement(By.xpath("//button[.='Use key']")).click();
        assertEquals(key, ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('kato.apiKey')"));
    }

    private static void observe(String symbols, int expectedLength) {
        type(By.id("try-symbols"), symbols);
        driver.findElement(By.id("try-observe")).click();
        String want = "Short-term memory (" + expectedLength + " event" + (expectedLength == 1 ? ")" : "s)");
        await("the STM shows " + expectedLength + " events", () -> text(By.id("try-stm")).contains(want));
    }

    private static void type(By by, String value) {
        HeadlessChromium.type(driver, by, value);
    }

    private static String text(By by) {
        return HeadlessChromium.text(driver, by);
    }

    private static void await(String what, Supplier<Boolean> condition) {
        HeadlessChromium.await(driver, what, condition);
    }
    private static String post(String path, String body, String key) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
