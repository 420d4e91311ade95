/** The training engine: the {@code ModelTrainer} interface and its DL4J implementation. */
package io.atlasj.trainer.model;
