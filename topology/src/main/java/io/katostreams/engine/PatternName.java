package io.katostreams.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Pattern names (spec 03 §12.3, 04 §2.4): the lowercase hex SHA-1 of the UTF-8 bytes of
 * {@link PythonRepr#repr(List) Python's repr} of the list of events. Storage and predictions use
 * the bare 40-hex name; the API shows it with the {@value #PREFIX} prefix.
 *
 * <p>The name covers the event order and the symbol order inside events, so callers pass the
 * events exactly as they sit in the STM.
 */
public final class PatternName {

    /** Prefix of a pattern name in API responses and in symbols. */
    public static final String PREFIX = "PTRN|";

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    });

    private PatternName() {
    }

    /**
     * The bare name (40 lowercase hex digits, no prefix) of a list of events, e.g.
     * {@code [["a","b"],["c"]]} → {@code e9e43f2309079f2843665ab773996d99489306d6}.
     */
    public static String of(List<? extends List<String>> events) {
        return sha1Hex(PythonRepr.repr(events).getBytes(StandardCharsets.UTF_8));
    }

    /** {@value #PREFIX} + {@code bare}. */
    public static String withPrefix(String bare) {
        return PREFIX + bare;
    }

    /** The name without a leading {@value #PREFIX}; a name without the prefix is returned unchanged. */
    public static String stripPrefix(String nameOrPrefixed) {
        return nameOrPrefixed.startsWith(PREFIX) ? nameOrPrefixed.substring(PREFIX.length()) : nameOrPrefixed;
    }

    /** Lowercase hex SHA-1 of {@code bytes}; shared with {@link VectorSymbol}. */
    static String sha1Hex(byte[] bytes) {
        MessageDigest sha1 = SHA1.get();
        byte[] digest = sha1.digest(bytes); // digest() also resets it for the next use
        byte[] hex = new byte[2 * digest.length];
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX[(digest[i] >>> 4) & 0xF];
            hex[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
    }
}
