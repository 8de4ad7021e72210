package dev.gatehouse.gateway.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A TLS ClientHello written byte by byte, so a test can offer what no JDK client would (TLS 1.1,
 * static RSA key exchange) whatever the test JVM's own TLS settings, and read what the server
 * answers first: its ServerHello, or an alert.
 */
final class ClientHello {

  static final int TLS_1_1 = 0x0302;
  static final int TLS_1_2 = 0x0303;
  static final int ALERT_HANDSHAKE_FAILURE = 40;
  static final int ALERT_PROTOCOL_VERSION = 70;

  /** The server's first record: a handshake (its ServerHello), or an alert with its description. */
  record Answer(boolean serverHello, int alert) {}

  private ClientHello() {}

  /** Sends a ClientHello of {@code version} offering only {@code cipherSuites}; the server's first answer. */
  static Answer send(int port, int version, int... cipherSuites) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(record(version, cipherSuites));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int type = in.readUnsignedByte();
      in.readUnsignedShort();
      in.readUnsignedShort();
      if (type == 0x16) {
        return new Answer(true, -1);
      }
      if (type == 0x15) {
        in.readUnsignedByte();
        return new Answer(false, in.readUnsignedByte());
      }
      throw new IOException("unexpected record type " + type);
    }
  }

  private static byte[] record(int version, int... cipherSuites) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    short16(body, version);
    body.writeBytes(new byte[32]);
    body.write(0);
    short16(body, cipherSuites.length * 2);
    for (int suite : cipherSuites) {
      short16(body, suite);
    }
    body.write(1);
    body.write(0);
    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    extension(extensions, 0x000a, 0x0004, 0x0017, 0x001d);
    extensions.writeBytes(new byte[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00});
    extension(extensions, 0x000d, 0x0006, 0x0403, 0x0804, 0x0401);
    short16(body, extensions.size());
    body.writeBytes(extensions.toByteArray());

    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    handshake.write(1);
    handshake.write(0);
    short16(handshake, body.size());
    handshake.writeBytes(body.toByteArray());

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(0x16);
    short16(record, 0x0301);
    short16(record, handshake.size());
    record.writeBytes(handshake.toByteArray());
    return record.toByteArray();
  }

  /** An extension whose data is a list of 16-bit values, preceded by the list's length in bytes. */
  private static void extension(ByteArrayOutputStream out, int type, int listLength, int... values) {
    short16(out, type);
    short16(out, listLength + 2);
    short16(out, listLength);
    for (int value : values) {
      short16(out, value);
    }
  }

  private static void short16(ByteArrayOutputStream out, int value) {
    out.write((value >> 8) & 0xff);
    out.write(value & 0xff);
  }
}
