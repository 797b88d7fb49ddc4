package io.traceassembler.generate;

import io.traceassembler.model.HexIds;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Deterministic, realistic trace traffic of a small web shop: an api-gateway in front of auth,
 * users, orders, inventory, payments, fraud, search, recommendations, shipping and notifications,
 * with postgres and redis as leaves and kafka hand-offs to the notification service.
 *
 * <p>Each trace is a tree: one root server span, client/server span pairs for every remote call,
 * internal spans, producer/consumer pairs. Every child lies within its parent's time. Traces stream
 * out one at a time in start order, so millions of traces never sit in memory.
 */
public final class TraceGenerator {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final String GATEWAY = "api-gateway";
    private static final String AUTH = "auth-service";
    private static final String USERS = "user-service";
    private static final String ORDERS = "order-service";
    private static final String INVENTORY = "inventory-service";
    private static final String PAYMENTS = "payment-service";
    private static final String FRAUD = "fraud-service";
    private static final String NOTIFICATIONS = "notification-service";
    private static final String SEARCH = "search-service";
    private static final String RECOMMENDATIONS = "recommendation-service";
    private static final String SHIPPING = "shipping-service";
    private static final String POSTGRES = "postgres";
    private static final String REDIS = "redis";

    /** Every service name the topology can produce (13). */
    public static final List<String> SERVICES =
            List.of(
                    GATEWAY,
                    AUTH,
                    USERS,
                    ORDERS,
                    INVENTORY,
                    PAYMENTS,
                    FRAUD,
                    NOTIFICATIONS,
                    SEARCH,
                    RECOMMENDATIONS,
                    SHIPPING,
                    POSTGRES,
                    REDIS);

    /** Non-slow traces are squeezed below this, well clear of the 5 s slow-trace threshold. */
    private static final long MAX_NORMAL_DURATION = 4 * SECOND;

    private final GeneratorOptions options;
    private final GenerationStats stats = new GenerationStats();

    public TraceGenerator(GeneratorOptions options) {
        this.options = options.copy();
    }

    public GeneratorOptions options() {
        return options.copy();
    }

    /**
     * Totals of the traces handed out so far by {@link #traces()} (complete once it is exhausted).
     */
    public GenerationStats stats() {
        return stats;
    }

    /**
     * The traces in start order, each a list of spans parents-first (root at index 0). Single pass:
     * call once per generator.
     */
    public Iterator<List<GeneratedSpan>> traces() {
        return new Iterator<>() {
            private final SplittableRandom random = new SplittableRandom(options.seed());
            private long produced;
            private double startNanos = options.startEpochMillis() * (double) MS;

            @Override
            public boolean hasNext() {
                return produced < options.traces();
            }

            @Override
            public List<GeneratedSpan> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                // Poisson arrivals: exponential gaps with the configured mean rate.
                if (produced > 0) {
                    startNanos +=
                            -Math.log(1.0 - random.nextDouble())
                                    / options.tracesPerSecond()
                                    * SECOND;
                }
                produced++;
                // A split generator per trace: a trace's content does not depend on how it is
                // consumed.
                return generateTrace(random.split(), (long) startNanos);
            }
        };
    }

    private List<GeneratedSpan> generateTrace(SplittableRandom random, long startNanos) {
        TraceBuilder trace = new TraceBuilder(random, options.maxRepeat());
        boolean big = random.nextDouble() < options.bigTraceRatio();
        boolean slow = random.nextDouble() < options.slowRatio();
        boolean failing = random.nextDouble() < options.errorRatio();
        boolean wide = random.nextDouble() < options.fanOutRatio();
        Node root =
                big
                        ? trace.bulkImport(options.bigTraceSpans())
                        : wide ? trace.wideRequest() : trace.narrowRequest();
        if (slow) {
            trace.makeSlow(root);
        }
        if (failing) {
            trace.injectError(root);
        }
        trace.layout(root, startNanos);
        if (!slow) {
            trace.squeeze(root, startNanos, MAX_NORMAL_DURATION);
        }
        // Drawn last, so a trace's ids and times do not depend on how it is reported.
        if (random.nextDouble() < options.zipkinTraceRatio()) {
            trace.reportWithZipkin(options.b3Ratio());
        }
        List<GeneratedSpan> spans = new ArrayList<>(trace.nodes.size());
        trace.nodes.forEach(node -> spans.add(node.span));
        stats.add(TraceFacts.of(spans), big);
        return spans;
    }

    /**
     * A span under construction: work before and after its children, children run stage by stage.
     */
    private static final class Node {
        final GeneratedSpan span = new GeneratedSpan();
        final List<List<Node>> stages = new ArrayList<>();
        Node parent;
        long beforeNanos;
        long afterNanos;
    }

    /** Builds one trace; all randomness comes from the trace's own generator. */
    private static final class TraceBuilder {
        final SplittableRandom random;
        final int maxRepeat;
        final String traceId;

        /** Parents before children, the order spans are returned in. */
        final List<Node> nodes = new ArrayList<>();

        TraceBuilder(SplittableRandom random, int maxRepeat) {
            this.random = random;
            this.maxRepeat = maxRepeat;
            this.traceId = HexIds.toHex(random.nextLong(), random.nextLong());
        }

        // ---- request shapes ----

        /** Requests touching at most 5 services. */
        Node narrowRequest() {
            int pick = random.nextInt(100);
            if (pick < 35) {
                Node root = gateway("GET", "/api/users/{id}");
                authenticate(root);
                then(
                        root,
                        rpc(
                                root,
                                USERS,
                                "GetUser",
                                server -> {
                                    then(server, cache(server, "GET user"));
                                    if (random.nextBoolean()) { // cache miss
                                        then(
                                                server,
                                                db(server, "SELECT * FROM users WHERE id = $1"));
                                    }
                                }));
                return root;
            } else if (pick < 65) {
                Node root = gateway("GET", "/api/products/search");
                authenticate(root);
                parallel(
                        root,
                        List.of(
                                rpc(
                                        root,
                                        SEARCH,
                                        "Search",
                                        server -> {
                                            then(server, cache(server, "GET query"));
                                            then(server, internal(server, "rank_results"));
                                        }),
                                rpc(
                                        root,
                                        RECOMMENDATIONS,
                                        "Recommend",
                                        server -> then(server, cache(server, "GET recs")))));
                return root;
            } else if (pick < 95) {
                Node root = gateway("GET", "/api/orders/{id}");
                authenticate(root);
                then(
                        root,
                        rpc(
                                root,
                                ORDERS,
                                "GetOrder",
                                server ->
                                        then(
                                                server,
                                                db(server, "SELECT * FROM orders WHERE id = $1"))));
                return root;
            } else {
                Node root = gateway("GET", "/health");
                then(root, internal(root, "check_dependencies"));
                return root;
            }
        }

        /** Requests touching more than 5 services. */
        Node wideRequest() {
            if (random.nextInt(100) < 60) {
                Node root = gateway("POST", "/api/orders");
                authenticate(root);
                then(
                        root,
                        rpc(
                                root,
                                ORDERS,
                                "CreateOrder",
                                orders -> {
                                    then(orders, internal(orders, "validate_order"));
                                    List<Node> reservations = new ArrayList<>();
                                    for (int line = 1 + random.nextInt(maxRepeat);
                                            line > 0;
                                            line--) {
                                        reservations.add(
                                                rpc(
                                                        orders,
                                                        INVENTORY,
                                                        "ReserveStock",
                                                        inventory ->
                                                                then(
                                                                        inventory,
                                                                        db(
                                                                                inventory,
                                                                                "UPDATE stock SET reserved = reserved + $1"))));
                                    }
                                    parallel(orders, reservations);
                                    then(
                                            orders,
                                            rpc(
                                                    orders,
                                                    PAYMENTS,
                                                    "Charge",
                                                    payments -> {
                                                        then(
                                                                payments,
                                                                rpc(
                                                                        payments,
                                                                        FRAUD,
                                                                        "Score",
                                                                        fraud ->
                                                                                then(
                                                                                        fraud,
                                                                                        cache(
                                                                                                fraud,
                                                                                                "GET risk_profile"))));
                                                        then(
                                                                payments,
                                                                db(
                                                                        payments,
                                                                        "INSERT INTO payments VALUES ($1, $2, $3)"));
                                                    }));
                                    then(
                                            orders,
                                            db(orders, "INSERT INTO orders VALUES ($1, $2, $3)"));
                                    if (random.nextBoolean()) {
                                        then(
                                                orders,
                                                rpc(
                                                        orders,
                                                        SHIPPING,
                                                        "Quote",
                                                        shipping ->
                                                                then(
                                                                        shipping,
                                                                        internal(
                                                                                shipping,
                                                                                "rate_carriers"))));
                                    }
                                    then(orders, publish(orders, "order_created"));
                                }));
                return root;
            }
            Node root = gateway("GET", "/api/home");
            authenticate(root);
            parallel(
                    root,
                    List.of(
                            rpc(
                                    root,
                                    USERS,
                                    "GetProfile",
                                    users -> then(users, cache(users, "GET profile"))),
                            rpc(
                                    root,
                                    RECOMMENDATIONS,
                                    "Recommend",
                                    recs -> {
                                        then(
                                                recs,
                                                rpc(
                                                        recs,
                                                        USERS,
                                                        "GetPreferences",
                                                        users ->
                                                                then(
                                                                        users,
                                                                        cache(
                                                                                users,
                                                                                "GET preferences"))));
                                        then(
                                                recs,
                                                rpc(
                                                        recs,
                                                        SEARCH,
                                                        "Search",
                                                        search ->
                                                                then(
                                                                        search,
                                                                        cache(
                                                                                search,
                                                                                "GET query"))));
                                    }),
                            rpc(
                                    root,
                                    ORDERS,
                                    "ListRecentOrders",
                                    orders ->
                                            then(
                                                    orders,
                                                    db(
                                                            orders,
                                                            "SELECT * FROM orders WHERE user_id = $1 LIMIT 10")))));
            return root;
        }

        /** A bulk order import of exactly {@code spanCount} spans (at least 7), for benchmarks. */
        Node bulkImport(int spanCount) {
            Node root = gateway("POST", "/api/orders/bulk");
            authenticate(root); // 5 spans so far
            Node[] importer = new Node[1];
            then(
                    root,
                    rpc(root, ORDERS, "ImportOrders", orders -> importer[0] = orders)); // 7 spans
            Node orders = importer[0];
            int remaining = spanCount - nodes.size();
            // Lines are reserved 100 at a time in parallel, as a bulk importer with a worker pool
            // would.
            while (remaining > 0) {
                List<Node> stage = new ArrayList<>();
                for (int i = 0; i < 100 && remaining > 0; i++) {
                    if (remaining >= 4) {
                        stage.add(
                                rpc(
                                        orders,
                                        INVENTORY,
                                        "ReserveStock",
                                        inventory ->
                                                then(
                                                        inventory,
                                                        db(
                                                                inventory,
                                                                "UPDATE stock SET reserved = reserved + $1"))));
                        remaining -= 4;
                    } else {
                        stage.add(internal(orders, "validate_line"));
                        remaining--;
                    }
                }
                parallel(orders, stage);
            }
            return root;
        }

        // ---- building blocks ----

        Node gateway(String method, String route) {
            Node root = node(null, GATEWAY, method + " " + route, "server");
            root.span.tags.put("http.method", method);
            root.span.tags.put("http.route", route);
            root.span.tags.put("http.status_code", "200");
            root.beforeNanos = micros(50, 2_000);
            root.afterNanos = micros(50, 1_000);
            return root;
        }

        void authenticate(Node root) {
            then(
                    root,
                    rpc(
                            root,
                            AUTH,
                            "ValidateToken",
                            auth -> then(auth, cache(auth, "GET session"))));
        }

        /** A client span in the caller around a server span in the callee. */
        Node rpc(
                Node caller,
                String service,
                String method,
                java.util.function.Consumer<Node> body) {
            Node client = node(caller, caller.span.serviceName, service + "/" + method, "client");
            client.span.tags.put("rpc.system", "grpc");
            client.span.tags.put("peer.service", service);
            client.beforeNanos = micros(100, 1_500); // network latency each way
            client.afterNanos = micros(100, 1_500);
            Node server = node(client, service, method, "server");
            server.span.tags.put("rpc.system", "grpc");
            server.span.tags.put("rpc.method", method);
            server.beforeNanos = micros(50, 3_000);
            server.afterNanos = micros(50, 2_000);
            client.stages.add(List.of(server));
            body.accept(server);
            return client;
        }

        Node db(Node caller, String statement) {
            return store(caller, POSTGRES, "postgresql", statement, micros(300, 25_000));
        }

        Node cache(Node caller, String command) {
            return store(caller, REDIS, "redis", command, micros(50, 1_500));
        }

        private Node store(
                Node caller, String service, String system, String statement, long workNanos) {
            String operation = statement.split(" ", 2)[0];
            return rpcLeaf(caller, service, operation, system, statement, workNanos);
        }

        private Node rpcLeaf(
                Node caller,
                String service,
                String operation,
                String system,
                String statement,
                long work) {
            Node client =
                    node(caller, caller.span.serviceName, operation + " " + service, "client");
            client.span.tags.put("db.system", system);
            client.span.tags.put("db.statement", statement);
            client.span.tags.put("peer.service", service);
            client.beforeNanos = micros(50, 500);
            client.afterNanos = micros(50, 500);
            Node server = node(client, service, operation, "server");
            server.span.tags.put("db.system", system);
            server.beforeNanos = work;
            client.stages.add(List.of(server));
            return client;
        }

        /**
         * A kafka hand-off, modelled as acknowledged delivery so that the consumer lies inside the
         * producer.
         */
        Node publish(Node caller, String event) {
            Node producer = node(caller, caller.span.serviceName, "orders publish", "producer");
            producer.span.tags.put("messaging.system", "kafka");
            producer.span.tags.put("messaging.destination", "orders");
            producer.beforeNanos = micros(200, 2_000);
            producer.afterNanos = micros(100, 1_000);
            Node consumer = node(producer, NOTIFICATIONS, "orders process", "consumer");
            consumer.span.tags.put("messaging.system", "kafka");
            consumer.span.tags.put("messaging.event", event);
            consumer.beforeNanos = micros(100, 1_000);
            consumer.afterNanos = micros(50, 500);
            producer.stages.add(List.of(consumer));
            then(consumer, internal(consumer, "send_email"));
            return producer;
        }

        Node internal(Node parent, String operation) {
            Node node = node(parent, parent.span.serviceName, operation, "internal");
            node.beforeNanos = micros(20, 5_000);
            return node;
        }

        /**
         * Creates a span; its parent link is set now, its place in the parent's stages by
         * then/parallel.
         */
        private Node node(Node parent, String service, String operation, String kind) {
            Node node = new Node();
            node.parent = parent;
            GeneratedSpan span = node.span;
            span.traceId = traceId;
            span.spanId = spanId();
            span.parentSpanId = parent == null ? null : parent.span.spanId;
            span.serviceName = service;
            span.operationName = operation;
            span.kind = kind;
            span.status = "ok";
            span.tags = new LinkedHashMap<>();
            nodes.add(node);
            return node;
        }

        static void then(Node parent, Node child) {
            parent.stages.add(List.of(child));
        }

        static void parallel(Node parent, List<Node> children) {
            parent.stages.add(children);
        }

        // ---- trace-wide traits ----

        /**
         * Makes one server span (a slow query, a stuck dependency) take 5.2 to 15 s, so the trace
         * does too.
         */
        void makeSlow(Node root) {
            Node victim = pick(root, "server");
            victim.beforeNanos += 5_200 * MS + random.nextLong(9_800 * MS);
            victim.span.tags.put("slow", "true");
        }

        /** Fails one span and lets the failure propagate up, each caller usually re-raising it. */
        void injectError(Node root) {
            Node node = pick(root, null);
            node.span.tags.put("error.message", "simulated failure in " + node.span.operationName);
            while (node != null) {
                node.span.status = "error";
                node.span.tags.put("error", "true");
                if (node.span.tags.containsKey("http.status_code")) {
                    node.span.tags.put("http.status_code", "500");
                }
                node = random.nextDouble() < 0.85 ? node.parent : null;
            }
        }

        /** A random non-root span (of the kind, when given), or the root in a one-span trace. */
        private Node pick(Node root, String kind) {
            List<Node> candidates = new ArrayList<>();
            for (Node node : nodes) {
                if (node != root && (kind == null || kind.equals(node.span.kind))) {
                    candidates.add(node);
                }
            }
            return candidates.isEmpty() ? root : candidates.get(random.nextInt(candidates.size()));
        }

        /**
         * Marks the trace as reported by Zipkin reporters and turns a {@code b3Ratio} share of its
         * client-to-server pairs into B3 shared spans: the server half takes its client half's span
         * id and parent id (Zipkin's {@code shared: true}), and its children name that id.
         */
        void reportWithZipkin(double b3Ratio) {
            for (Node node : nodes) {
                node.span.zipkinReported = true;
                Node client = node.parent;
                if ("server".equals(node.span.kind)
                        && client != null
                        && "client".equals(client.span.kind)
                        && random.nextDouble() < b3Ratio) {
                    node.span.shared = true;
                    node.span.spanId = client.span.spanId;
                }
            }
            // Parents first, so a shared half's client half already has its final parent id.
            for (Node node : nodes) {
                if (node.parent != null) {
                    node.span.parentSpanId =
                            node.span.shared
                                    ? node.parent.span.parentSpanId
                                    : node.parent.span.spanId;
                }
            }
        }

        // ---- timing ----

        /**
         * Lays out start and end times bottom-up: stages one after another, a stage's children
         * concurrently.
         */
        long layout(Node node, long start) {
            node.span.startEpochNanos = start;
            long cursor = start + node.beforeNanos;
            for (List<Node> stage : node.stages) {
                long stageEnd = cursor;
                for (Node child : stage) {
                    long childStart = cursor + micros(5, stage.size() > 1 ? 300 : 50);
                    stageEnd = Math.max(stageEnd, layout(child, childStart));
                }
                cursor = stageEnd;
            }
            node.span.endEpochNanos = cursor + node.afterNanos;
            return node.span.endEpochNanos;
        }

        /**
         * Scales a too-long trace into {@code maxDuration}; a monotone map keeps every child inside
         * its parent.
         */
        void squeeze(Node root, long traceStart, long maxDuration) {
            long duration = root.span.endEpochNanos - traceStart;
            if (duration <= maxDuration) {
                return;
            }
            double factor = (double) maxDuration / duration;
            for (Node node : nodes) {
                node.span.startEpochNanos =
                        traceStart + (long) ((node.span.startEpochNanos - traceStart) * factor);
                node.span.endEpochNanos =
                        traceStart + (long) ((node.span.endEpochNanos - traceStart) * factor);
            }
        }

        /** A duration skewed towards its minimum, as latencies are. */
        long micros(long min, long max) {
            double u = random.nextDouble();
            return (min + (long) ((max - min) * u * u)) * 1_000L;
        }

        private String spanId() {
            long id;
            do {
                id = random.nextLong();
            } while (id == 0); // all-zero ids are invalid in OTLP and Zipkin
            return HexIds.toHex(id);
        }
    }
}
