package iolab.clients;

/**
 * Where every request of a run went, once the load has stopped: each one issued while recording ends as exactly one
 * of answered, failed or unanswered, so {@link #balances()} holds whatever the server did. The open loop's slots that
 * never went out are {@code unsent}, beside them. The errors also count what no request stands for: a connect that
 * failed, a reset on an idle connection, an answer to nothing asked ({@code connectionErrors}), and an answer with a
 * status of 400 or more (a response, and an error).
 *
 * @param issued requests put on a connection while recording (and the warm-up's that were still unanswered at the end)
 * @param answered responses recorded, whatever their status
 * @param failed requests in flight on a connection that failed, each counted as the error it met
 * @param unanswered requests still awaited when the run stopped waiting
 * @param unsent open loop: slots whose request was never sent
 */
public record RequestAccount(long issued, long answered, long failed, long unanswered, long unsent) {

    public boolean balances() {
        return issued == answered + failed + unanswered;
    }

    @Override
    public String toString() {
        return issued + " issued = " + answered + " answered + " + failed + " failed + " + unanswered + " unanswered"
                + (balances() ? "" : " (does not balance)") + "; " + unsent + " unsent";
    }
}
