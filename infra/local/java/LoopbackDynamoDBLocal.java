import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts the official DynamoDB Local with its own command-line arguments, but bound to 127.0.0.1.
 * DynamoDB Local has no host option: its DynamoDBProxyServer builds a Jetty Server on a port only,
 * i.e. on every interface. This launcher lets the jar build that server (ServerRunner's own
 * argument parsing and handlers), then sets the host of its Jetty connectors to loopback before
 * starting it. Run with the JDK's single-file source launcher (`java -cp <jar> this-file.java …`).
 * It exits non-zero rather than start on any other interface.
 */
public class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("kokona.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field f = DynamoDBProxyServer.class.getDeclaredField("server");
    f.setAccessible(true);
    Server server = (Server) f.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local built no connector");
    for (Connector c : connectors) {
      if (!(c instanceof ServerConnector)) throw new IllegalStateException("unexpected connector " + c.getClass());
      ((ServerConnector) c).setHost(host);
    }
    proxy.start();
    for (Connector c : server.getConnectors()) {
      String bound = ((ServerConnector) c).getHost();
      if (!host.equals(bound)) {
        proxy.stop();
        throw new IllegalStateException("DynamoDB Local bound to " + bound + ", not " + host);
      }
    }
    System.out.println("DynamoDB Local listening on " + host + ":" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    proxy.join();
  }
}
