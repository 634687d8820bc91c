package io.cgiguard.iis;

/**
 * One child of an IIS configuration collection, in document order: {@code <clear/>},
 * {@code <remove key/>} or {@code <add key .../>}.
 */
public sealed interface CollectionOp {

  /** {@code <clear/>}: drops every inherited entry and those added before it in the same file. */
  record Clear() implements CollectionOp {}

  /** {@code <remove/>}: drops the entry with this key, compared case-insensitively. */
  record Remove(String key) implements CollectionOp {}

  /** {@code <add/>}: a new entry. */
  record Add(CollectionEntry entry) implements CollectionOp {}
}
