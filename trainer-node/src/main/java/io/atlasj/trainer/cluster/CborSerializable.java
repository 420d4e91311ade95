package io.atlasj.trainer.cluster;

/**
 * The marker of every message that crosses nodes: bound to Jackson CBOR in {@code atlas-cluster.conf}. Java
 * serialization is off, so a cross-node message without it fails loudly instead of travelling some other way.
 */
public interface CborSerializable {
}
