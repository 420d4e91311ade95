/**
 * {@code atlas console}: a JShell session (local execution engine) on the CLI's classpath with the feature DSL and
 * the {@link io.atlasj.cli.console.Console} helpers imported, interactive or running a script.
 */
package io.atlasj.cli.console;
