/** Feature matrices to prepared folds: split, classes, rebalancing and scaling fitted on the training rows. */
package io.atlasj.trainer.data;
