package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty refuses before any route sees them (a malformed URI or header, a URI too long)
 * are answered in the contract's E1 shape {@code {"detail": "..."}} with an {@code X-Trace-ID},
 * like every other 4xx, instead of Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {

    /**
     * Jetty's default URI compliance plus the characters RFC 3986 forbids in a path but KATO's
     * reference server (uvicorn) accepts, such as the raw {@code |} of {@code /pattern/PTRN|…}
     * that curl and many clients send unencoded.
     */
    static final UriCompliance URI_COMPLIANCE = UriCompliance.DEFAULT.with("KATO",
            UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS);

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code,
                                                 String message, Throwable cause) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Http.JSON);
        response.getHeaders().put(Http.TRACE_HEADER, Http.newTraceId());
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
        return true;
    }

    /** Errors found while parsing the request line or headers (400, 414, 431). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Http.JSON);
        fields.put(Http.TRACE_HEADER, Http.newTraceId());
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String message) {
        String status = HttpStatus.getMessage(code);
        ObjectNode body = Http.NODES.objectNode();
        body.put("detail", message == null || message.isBlank() || message.equals(status) ? status : status + ": " + message);
        return Http.write(body).getBytes(StandardCharsets.UTF_8);
    }
}
