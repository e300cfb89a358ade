package io.katostreams.schemas.serde;

import java.util.Locale;

/**
 * Value format of the records the topology writes for users, chosen with the environment variable
 * {@code KATO_OUTPUT_FORMAT}: {@code avro} (default; single-object encoding, see {@link AvroSerde})
 * or {@code json} (natural JSON, see {@link io.katostreams.schemas.json.KatoJson}).
 */
public enum OutputFormat {
    AVRO,
    JSON;

    /** Name of the environment variable. */
    public static final String ENV = "KATO_OUTPUT_FORMAT";

    /** The format named by {@code KATO_OUTPUT_FORMAT}, {@link #AVRO} when unset. */
    public static OutputFormat fromEnvironment() {
        return parse(System.getenv(ENV));
    }

    /**
     * {@code avro} or {@code json}, any case, surrounding blanks ignored; null or blank →
     * {@link #AVRO}.
     *
     * @throws IllegalArgumentException naming the variable and the allowed values
     */
    public static OutputFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return AVRO;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "avro" -> AVRO;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException(ENV + "=" + value + ": expected avro or json");
        };
    }
}
