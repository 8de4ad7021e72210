package dev.gatehouse.gateway.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the admin-API subcommands: the connection options and the command's writers. */
abstract class AdminCall implements Callable<Integer> {

  @Mixin
  AdminConnection admin;

  @Spec
  CommandSpec spec;
}
