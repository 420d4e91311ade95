/**
 * The one YAML reader of user files (featuresets and WorkSpecs): YAML read into nodes that keep their line and
 * column, with anchors, aliases and merge keys resolved and alias expansion bounded, so that every reader can say
 * {@code file:line:column} for any mistake. Depends on nothing of ours.
 */
package io.atlasj.yaml;
