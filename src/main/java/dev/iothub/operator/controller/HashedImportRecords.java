package dev.iothub.operator.controller;

import dev.iothub.operator.registry.DeviceRecord;
import java.util.List;

/**
 * The hashed records an import had left to write when it stopped to wait (the registry growing, a
 * failover): its next pass writes them instead of hashing every key again, which at a few hundred
 * thousand keys costs more than the wait. One slot, since imports run one at a time; an import that
 * finds another's records drops them before it hashes its own, so the heap never holds two.
 */
final class HashedImportRecords {
  /**
   * @param source the import and the versions of what it read: other input, other hashes
   * @param offset the index in the file of the first record
   */
  private record Slot(String source, int offset, List<DeviceRecord> records) {}

  private Slot slot;

  /** The records from index {@code from} on, if kept for this source; else drops what is kept. */
  synchronized List<DeviceRecord> take(String source, int from) {
    Slot s = slot;
    slot = null;
    if (s == null
        || !s.source().equals(source)
        || from < s.offset()
        || from > s.offset() + s.records().size()) {
      return null;
    }
    return s.records().subList(from - s.offset(), s.records().size());
  }

  /** Keeps the records from index {@code offset} on for the source's next pass. */
  synchronized void keep(String source, int offset, List<DeviceRecord> records) {
    slot = new Slot(source, offset, records);
  }
}
