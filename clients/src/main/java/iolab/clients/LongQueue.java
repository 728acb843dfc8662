package iolab.clients;

import java.util.Arrays;
import java.util.NoSuchElementException;

/** A growable FIFO of longs (timestamps), so the hot path boxes nothing. */
final class LongQueue {

    private long[] values = new long[8];
    private int head;
    private int size;

    void add(long value) {
        if (size == values.length) {
            long[] grown = new long[values.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = values[(head + i) % values.length];
            }
            values = grown;
            head = 0;
        }
        values[(head + size) % values.length] = value;
        size++;
    }

    long peek() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return values[head];
    }

    /** The value {@code index} places behind the head (0 is the head). */
    long get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return values[(head + index) % values.length];
    }

    long poll() {
        long value = peek();
        head = (head + 1) % values.length;
        size--;
        return value;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        head = 0;
        size = 0;
        Arrays.fill(values, 0);
    }
}
