package io.katostreams.schemas.serde;

import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionState;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One serde per topic record type (topic names in {@link io.katostreams.schemas.KatoTopics}).
 * Every serde is Avro single-object encoding ({@link AvroSerde}), except:
 * <ul>
 *   <li>{@link #observationInput()} reads both Avro and JSON observations;</li>
 *   <li>{@link #output} writes natural JSON instead of Avro when the output format is
 *       {@link OutputFormat#JSON} ({@code KATO_OUTPUT_FORMAT=json}), for the records users
 *       consume: predictions, dead letters, and any other output record.</li>
 * </ul>
 * Loading this class makes Avro trust the generated record package (see {@link AvroTrust}: Avro
 * 1.12 reads {@code org.apache.avro.SERIALIZABLE_PACKAGES} once, before its first decode, and
 * refuses to instantiate record classes outside it).
 */
public final class KatoSerdes {

    static {
        AvroTrust.ensure();
    }

    private KatoSerdes() {
    }

    /** kato.commands. */
    public static AvroSerde<Command> commands() {
        return avro(Command.class);
    }

    /** kato.observations, Avro only (for producers and tests). */
    public static AvroSerde<ObservationRecord> observations() {
        return avro(ObservationRecord.class);
    }

    /** kato.observations as consumed: writes Avro, reads Avro or JSON ({@link ObservationInputDeserializer}). */
    public static Serde<ObservationRecord> observationInput() {
        return Serdes.serdeFrom(observations().serializer(), new ObservationInputDeserializer());
    }

    /** kato.replies. */
    public static AvroSerde<Reply> replies() {
        return avro(Reply.class);
    }

    /** kato.predictions. */
    public static AvroSerde<PredictionSet> predictions() {
        return avro(PredictionSet.class);
    }

    /** kato.sessions. */
    public static AvroSerde<SessionState> sessions() {
        return avro(SessionState.class);
    }

    /** kato.knowledge. */
    public static AvroSerde<KnowledgeRecord> knowledge() {
        return avro(KnowledgeRecord.class);
    }

    /** kato.dead-letters. */
    public static AvroSerde<DeadLetter> deadLetters() {
        return avro(DeadLetter.class);
    }

    /** An Avro serde for any generated record type. */
    public static <T extends SpecificRecord> AvroSerde<T> avro(Class<T> type) {
        // One serde per type: building one computes the fingerprints of every shipped schema version,
        // far too costly per record; the single-object encoder and decoder are thread-safe.
        @SuppressWarnings("unchecked") AvroSerde<T> serde = (AvroSerde<T>) CACHE.computeIfAbsent(type, t -> new AvroSerde<>(type));
        return serde;
    }

    private static final java.util.concurrent.ConcurrentMap<Class<?>, AvroSerde<?>> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The serializer for an output record in {@code format}: {@link AvroSerde} or
     * {@link JsonOutputSerializer}.
     */
    public static <T extends SpecificRecord> Serializer<T> outputSerializer(Class<T> type, OutputFormat format) {
        Objects.requireNonNull(format, "format");
        return format == OutputFormat.JSON ? new JsonOutputSerializer<>() : avro(type).serializer();
    }

    /**
     * A serde for writing an output record in {@code format} (e.g. for Kafka Streams'
     * {@code Produced.with}). Its deserializer reads Avro; JSON output is meant for other
     * consumers, so with {@link OutputFormat#JSON} the deserializer refuses with a clear message.
     */
    public static <T extends SpecificRecord> Serde<T> output(Class<T> type, OutputFormat format) {
        Objects.requireNonNull(format, "format");
        if (format == OutputFormat.AVRO) {
            return avro(type);
        }
        Deserializer<T> refuse = (topic, data) -> {
            throw new UnsupportedOperationException(type.getSimpleName()
                    + " values in " + OutputFormat.ENV + "=json are for external consumers; read them as JSON text");
        };
        return Serdes.serdeFrom(new JsonOutputSerializer<>(), refuse);
    }

    /** {@link #output} in the format chosen by {@code KATO_OUTPUT_FORMAT}. */
    public static <T extends SpecificRecord> Serde<T> output(Class<T> type) {
        return output(type, OutputFormat.fromEnvironment());
    }
}
