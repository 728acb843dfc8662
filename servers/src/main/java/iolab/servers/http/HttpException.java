package iolab.servers.http;

/** A request the server refuses: the status to answer with, and why (the response body). */
final class HttpException extends Exception {

    private final int status;

    HttpException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
