/**
 * WorkSpecs: what to train on which featuresets, expanded into ModelSpecs with content keys; YAML and Java forms
 * with validation that reports every mistake with its position.
 */
package io.atlasj.workspec;
