/** The {@code atlas} command line (picocli). The only place that prints to the console. */
package io.atlasj.cli;
