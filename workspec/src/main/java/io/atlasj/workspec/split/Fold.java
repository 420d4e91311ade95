package io.atlasj.workspec.split;

/**
 * Row indices of one fold (ascending): fit on {@code train}, choose (early stopping, best checkpoint) on
 * {@code validation}, report on {@code test}. Purged rows are in none of them.
 */
public record Fold(int index, int[] train, int[] validation, int[] test) {
}
