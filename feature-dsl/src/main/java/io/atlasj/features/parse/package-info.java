/** The DSL's text form: the parser behind YAML featuresets, the console and {@code atlas features show}. */
package io.atlasj.features.parse;
