package io.katostreams.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Makes Avro 1.12 trust this project's generated record classes, before the first decode.
 *
 * <p>Why: since 1.12 (the fix for CVE-2024-47561) Avro only loads classes named by a schema
 * when they are trusted, and a specific-record decode loads the generated class by name
 * ({@code SpecificData.getClass}); untrusted, every decode fails with "Forbidden
 * io.katostreams...". Avro reads the trusted list from the system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} exactly once, when its
 * {@code SystemPropertiesPredicate} class initialises, so the property must be set before any
 * Avro decode in the JVM. We trust exactly the generated package (never {@code *}), keeping the
 * protection against schemas that name arbitrary classes. An operator's own setting is kept and
 * extended.
 *
 * <p>If something decoded Avro before us (the predicate is already initialised without our
 * package), the property is too late; then the global predicate is extended through Avro's API.
 */
final class AvroTrust {

    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    static final String GENERATED_PACKAGE = "io.katostreams.schemas.avro";

    private static boolean done;

    private AvroTrust() {
    }

    static synchronized void ensure() {
        if (done) {
            return;
        }
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, GENERATED_PACKAGE);
        } else if (!listed(current)) {
            System.setProperty(PROPERTY, current + "," + GENERATED_PACKAGE);
        }
        if (!ClassSecurityValidator.getGlobal().isTrusted(probeClass())) {
            ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                    clazz -> clazz.getName().startsWith(GENERATED_PACKAGE + ".")));
        }
        done = true;
    }

    private static boolean listed(String property) {
        for (String entry : property.split(",")) {
            String e = entry.strip();
            if (e.equals("*") || e.equals(GENERATED_PACKAGE)) {
                return true;
            }
        }
        return false;
    }

    /** A generated class, loaded without initialising it (the validator's contract). */
    private static Class<?> probeClass() {
        try {
            return Class.forName(GENERATED_PACKAGE + ".Command", false, AvroTrust.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("generated Avro classes are missing from the classpath", e);
        }
    }
}
