package io.katostreams.connect;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections.CollectionConfig;
import io.qdrant.client.grpc.Collections.CollectionDescription;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.DeleteCollection;
import io.qdrant.client.grpc.Collections.GetCollectionInfoRequest;
import io.qdrant.client.grpc.Collections.GetCollectionInfoResponse;
import io.qdrant.client.grpc.Collections.ListCollectionsRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsResponse;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Qdrant stand-in for tests: a real gRPC server on a local port, built on the service bases
 * generated into the client jar, keeping collections and points in memory. It implements what
 * the sink and the client use (health check; create, exists, get, list and delete collection;
 * upsert and delete points) and answers errors the way Qdrant does (NOT_FOUND for a missing
 * collection, INVALID_ARGUMENT for a wrong dimension or an existing collection).
 */
final class FakeQdrant implements AutoCloseable {

    /** A collection: its vector parameters and its points by id. */
    static final class FakeCollection {
        final VectorParams params;
        final Map<String, PointStruct> points = new LinkedHashMap<>();

        FakeCollection(VectorParams params) {
            this.params = params;
        }
    }

    final Map<String, FakeCollection> collections = new ConcurrentHashMap<>();
    /** Points the server refuses with INVALID_ARGUMENT, like Qdrant refuses bad input; null = none. */
    volatile Predicate<PointStruct> refuse;
    /** Every RPC received, e.g. "upsert vectors_alice_kato 2", in order. */
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    /** When set, every call must carry this {@code api-key} header (as Qdrant with an API key); null = none. */
    volatile String apiKey;

    private Server server;
    private int port;

    FakeQdrant start() throws IOException {
        return startOn(0);
    }

    private FakeQdrant startOn(int requestedPort) throws IOException {
        server = Grpc.newServerBuilderForPort(requestedPort, InsecureServerCredentials.create())
                .addService(new Health())
                .addService(new CollectionsService())
                .addService(new PointsService())
                .intercept(new ApiKeyCheck())
                .build()
                .start();
        port = server.getPort();
        return this;
    }

    int port() {
        return port;
    }

    /** Stops answering (connections refused) but keeps the data. */
    void stop() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Starts again on the same port with the same data. */
    void restart() throws IOException {
        startOn(port);
    }

    @Override
    public void close() {
        if (server != null && !server.isShutdown()) {
            server.shutdownNow();
        }
    }

    static String idText(PointId id) {
        return id.hasUuid() ? id.getUuid() : Long.toString(id.getNum());
    }

    /** The dense vector of {@code point} (the client's VectorsFactory always sends the dense form). */
    static List<Float> floats(PointStruct point) {
        Vector v = point.getVectors().getVector();
        return v.getDense().getDataList();
    }

    private static <T> void fail(StreamObserver<T> observer, Status status, String description) {
        observer.onError(status.withDescription(description).asRuntimeException());
    }

    private static PointsOperationResponse completed() {
        return PointsOperationResponse.newBuilder()
                .setResult(UpdateResult.newBuilder().setOperationId(1).setStatus(UpdateStatus.Completed))
                .build();
    }

    private static final io.grpc.Metadata.Key<String> API_KEY =
            io.grpc.Metadata.Key.of("api-key", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    /** Qdrant's API key check: UNAUTHENTICATED unless the call carries the configured key. */
    private final class ApiKeyCheck implements io.grpc.ServerInterceptor {
        @Override
        public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
                io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
            String required = apiKey;
            if (required != null && !required.equals(headers.get(API_KEY))) {
                calls.add("refused " + call.getMethodDescriptor().getBareMethodName());
                call.close(Status.UNAUTHENTICATED.withDescription("Invalid api-key"), new io.grpc.Metadata());
                return new io.grpc.ServerCall.Listener<>() {
                };
            }
            return next.startCall(call, headers);
        }
    }

    private final class Health extends QdrantGrpc.QdrantImplBase {
        @Override
        public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> observer) {
            calls.add("healthCheck");
            observer.onNext(HealthCheckReply.newBuilder().setTitle("qdrant - fake").setVersion("1.18.0").build());
            observer.onCompleted();
        }
    }

    private final class CollectionsService extends CollectionsGrpc.CollectionsImplBase {
        @Override
        public void create(CreateCollection request, StreamObserver<CollectionOperationResponse> observer) {
            String name = request.getCollectionName();
            calls.add("create " + name);
            if (!request.getVectorsConfig().hasParams()) {
                fail(observer, Status.INVALID_ARGUMENT, "Wrong input: the fake only knows unnamed vectors");
                return;
            }
            if (collections.putIfAbsent(name, new FakeCollection(request.getVectorsConfig().getParams())) != null) {
                fail(observer, Status.INVALID_ARGUMENT, "Wrong input: Collection `" + name + "` already exists!");
                return;
            }
            observer.onNext(CollectionOperationResponse.newBuilder().setResult(true).build());
            observer.onCompleted();
        }

        @Override
        public void collectionExists(CollectionExistsRequest request, StreamObserver<CollectionExistsResponse> observer) {
            calls.add("exists " + request.getCollectionName());
            boolean exists = collections.containsKey(request.getCollectionName());
            observer.onNext(CollectionExistsResponse.newBuilder()
                    .setResult(CollectionExists.newBuilder().setExists(exists)).build());
            observer.onCompleted();
        }

        @Override
        public void get(GetCollectionInfoRequest request, StreamObserver<GetCollectionInfoResponse> observer) {
            String name = request.getCollectionName();
            calls.add("get " + name);
            FakeCollection c = collections.get(name);
            if (c == null) {
                fail(observer, Status.NOT_FOUND, "Not found: Collection `" + name + "` doesn't exist!");
                return;
            }
            CollectionInfo info = CollectionInfo.newBuilder()
                    .setConfig(CollectionConfig.newBuilder().setParams(CollectionParams.newBuilder()
                            .setVectorsConfig(io.qdrant.client.grpc.Collections.VectorsConfig.newBuilder().setParams(c.params))))
                    .build();
            observer.onNext(GetCollectionInfoResponse.newBuilder().setResult(info).build());
            observer.onCompleted();
        }

        @Override
        public void list(ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> observer) {
            calls.add("list");
            ListCollectionsResponse.Builder b = ListCollectionsResponse.newBuilder();
            collections.keySet().stream().sorted()
                    .forEach(n -> b.addCollections(CollectionDescription.newBuilder().setName(n)));
            observer.onNext(b.build());
            observer.onCompleted();
        }

        @Override
        public void delete(DeleteCollection request, StreamObserver<CollectionOperationResponse> observer) {
            calls.add("deleteCollection " + request.getCollectionName());
            boolean existed = collections.remove(request.getCollectionName()) != null;
            observer.onNext(CollectionOperationResponse.newBuilder().setResult(existed).build());
            observer.onCompleted();
        }
    }

    private final class PointsService extends PointsGrpc.PointsImplBase {
        @Override
        public void upsert(UpsertPoints request, StreamObserver<PointsOperationResponse> observer) {
            String name = request.getCollectionName();
            calls.add("upsert " + name + " " + request.getPointsCount());
            FakeCollection c = collections.get(name);
            if (c == null) {
                fail(observer, Status.NOT_FOUND, "Not found: Collection `" + name + "` doesn't exist!");
                return;
            }
            for (PointStruct p : request.getPointsList()) {
                if (refuse != null && refuse.test(p)) {
                    fail(observer, Status.INVALID_ARGUMENT, "Wrong input: point " + idText(p.getId()) + " refused by test rule");
                    return;
                }
                if (floats(p).size() != c.params.getSize()) {
                    fail(observer, Status.INVALID_ARGUMENT, "Wrong input: Vector dimension error: expected dim: "
                            + c.params.getSize() + ", got " + floats(p).size());
                    return;
                }
            }
            synchronized (c) {
                for (PointStruct p : request.getPointsList()) {
                    c.points.put(idText(p.getId()), p);
                }
            }
            observer.onNext(completed());
            observer.onCompleted();
        }

        @Override
        public void delete(DeletePoints request, StreamObserver<PointsOperationResponse> observer) {
            String name = request.getCollectionName();
            List<PointId> ids = request.getPoints().getPoints().getIdsList();
            calls.add("delete " + name + " " + ids.size());
            FakeCollection c = collections.get(name);
            if (c == null) {
                fail(observer, Status.NOT_FOUND, "Not found: Collection `" + name + "` doesn't exist!");
                return;
            }
            synchronized (c) {
                ids.forEach(id -> c.points.remove(idText(id)));
            }
            observer.onNext(completed());
            observer.onCompleted();
        }
    }
}
