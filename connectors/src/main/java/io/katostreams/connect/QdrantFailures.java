package io.katostreams.connect;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.QdrantException;

/**
 * Sorts what a Qdrant call fails with into what the sink does about it (compare
 * {@link MongoFailures}): retry later, fail the task, dead-letter the record, or treat a missing
 * collection as such.
 */
final class QdrantFailures {

    enum Kind {
        /** Unreachable, overloaded, timed out, or an internal server error: retry the batch later. */
        TRANSIENT,
        /** Authentication, permission, an API the server does not have: an operator must act. */
        FATAL,
        /** The server refuses this request's data (e.g. a wrong dimension, an invalid name). */
        DATA,
        /** The collection does not exist (deleted outside the sink, or never created). */
        NOT_FOUND,
        /** Not a Qdrant or gRPC failure: a bug; fails the task. */
        UNKNOWN
    }

    private QdrantFailures() {
    }

    static Kind classify(Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return ofStatus(e.getStatus().getCode());
        }
        if (t instanceof QdrantException) {
            return Kind.DATA; // the client's own refusal, e.g. "collection could not be created"
        }
        return Kind.UNKNOWN;
    }

    static Kind ofStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS -> Kind.DATA;
            case NOT_FOUND -> Kind.NOT_FOUND;
            case UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED -> Kind.FATAL;
            // UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, CANCELLED, INTERNAL,
            // UNKNOWN, DATA_LOSS: nothing about the record itself; waiting may help, and a
            // stalled sink is visible while a dead-lettered vector would be silently lost.
            default -> Kind.TRANSIENT;
        };
    }
}
