package dev.gatehouse.gateway.tls;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where one listener's TLS material lives: a PEM certificate chain (the server certificate first),
 * its PEM private key (unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC), and, for a listener that
 * requires client certificates, a PEM file of the certificate authorities that sign them.
 */
public record ListenerTlsFiles(Path certFile, Path keyFile, Optional<Path> clientCaFile) {}
