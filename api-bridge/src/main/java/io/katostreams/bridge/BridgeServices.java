package io.katostreams.bridge;

import java.time.Clock;

/** The collaborators the bridge's route handlers share (one instance per bridge). */
record BridgeServices(BridgeConfig config, KafkaGateway gateway, SessionDirectory directory, BridgeMetrics metrics,
                      ProcessorRegistry processors, SessionEvents events, Clock clock, Security security) {
}
