package io.livestream.ingest;

/** The source of a publishing session: an RTMP connection, or the demo clip. */
public interface Publisher {

    /** Where it comes from, for logs: a remote address or "demo". */
    String describe();

    /** Its client address (the PROXY protocol header's when that is on), or "" for one not on the network. */
    String address();

    /** Stop feeding the session and close the source: another publisher took the stream over. */
    void evict(String reason);
}
