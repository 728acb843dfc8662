package iolab.servers.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes the whole server may hold in memory at once. A body's bytes are
 * reserved before they are buffered and given back when its response has been handed to the
 * model (or its connection is gone): what a connection holds is bounded by {@code --max-body},
 * what all of them hold together by this.
 */
final class BodyBudget {

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    boolean tryReserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > capacity) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }
}
