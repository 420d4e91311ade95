/** YAML read into position-carrying nodes, for validation messages with file:line:column. */
package io.atlasj.workspec.yaml;
