/**
 * The {@code gatehouse secrets} picocli command tree: seal, open, check, rotate, rekey,
 * import-eliza and the development keyring. Composed into the gateway's {@code Main} with
 * {@code addSubcommand(new SecretsCommand())}.
 */
package dev.gatehouse.secrets.cli;
