package io.katostreams.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code node_id} → {@code processor_id}, the storage-safe name of a node's knowledge (spec 02 §2.1).
 * Node ids that sanitise alike share one namespace ([QUIRK] aliasing: {@code project-x} = {@code project_x}).
 */
public final class ProcessorId {
    private ProcessorId() {}

    private static final String REPLACED = "/\\.\"$*<>:|?- ";
    private static final int MAX_LENGTH = 60;

    /** Step 1: each of the 13 characters {@code / \ . " $ * < > : | ? -} and space becomes {@code _}. */
    public static String sanitizeNode(String nodeId) {
        StringBuilder b = new StringBuilder(nodeId.length());
        for (int i = 0; i < nodeId.length(); i++) {
            char c = nodeId.charAt(i);
            b.append(REPLACED.indexOf(c) >= 0 ? '_' : c);
        }
        return b.toString();
    }

    /** Step 2: the service name with {@code -} replaced by {@code _}. */
    public static String sanitizeService(String serviceName) {
        return serviceName.replace('-', '_');
    }

    /** The processor id of a node under a service name (steps 1–5, with the 60-code-point rule). */
    public static String of(String nodeId, String serviceName) {
        String node = sanitizeNode(nodeId);
        String service = sanitizeService(serviceName);
        String candidate = node + "_" + service;
        if (candidate.codePointCount(0, candidate.length()) <= MAX_LENGTH) return candidate;
        String hash = md5Hex(node).substring(0, 8);
        int keep = MAX_LENGTH - service.codePointCount(0, service.length()) - 10;
        int nodeLength = node.codePointCount(0, node.length());
        String kept = keep >= 0
                ? node.substring(0, node.offsetByCodePoints(0, Math.min(keep, nodeLength)))
                : node.substring(0, node.offsetByCodePoints(0, Math.max(0, nodeLength + keep)));
        return kept + "_" + hash + "_" + service;
    }

    private static String md5Hex(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder(32);
            for (byte x : d) b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
