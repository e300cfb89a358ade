package io.katostreams.schemas.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Makes URLs and settings safe to log: passwords are replaced by {@code ***}. */
public final class Redact {
    private Redact() {
    }

    /** {@code scheme://user:password@host…}: the user-info part (up to the last '@' before the path). */
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@");

    /**
     * The URL with the password of its user-info replaced by {@code ***}:
     * {@code redis://kato:secret@h:6379} → {@code redis://kato:***@h:6379},
     * {@code redis://:secret@h} → {@code redis://:***@h}; a URL without credentials is returned as
     * is. Works for URLs {@link java.net.URI} cannot parse (several MongoDB hosts). Null stays null.
     */
    public static String url(String url) {
        if (url == null) return null;
        Matcher m = USER_INFO.matcher(url);
        if (!m.find()) return url;
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
        return m.group(1) + masked + "@" + url.substring(m.end());
    }
}
