package iolab.runfiles;

import iolab.runfiles.RoundStatistics.Interval;
import iolab.runfiles.RoundStatistics.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Known samples give the known intervals. */
class RoundStatisticsTest {

    @Test
    void tenRoundsGiveTheSecondSmallestAndSecondLargestAt95Percent() {
        // Coverage of (x(2), x(9)) for n = 10 is 1 - 2 * (1 + 10) / 1024 = 0.978515625; (x(3), x(8)) would be 0.890625.
        Interval interval = RoundStatistics.median(new double[] {7, 3, 10, 1, 5, 6, 2, 9, 4, 8}, 0.95);
        assertEquals(5.5, interval.median());
        assertEquals(2, interval.low());
        assertEquals(9, interval.high());
        assertEquals(10, interval.rounds());
        assertEquals(0.978515625, interval.coverage(), 1e-12);
    }

    @Test
    void twoRunsOfSixRoundsGiveMosesIntervalOfTheFactor() {
        // All 36 ratios b[j] / a[i] = 2 a[j] / a[i]; the 6th smallest of a[j] / a[i] is 2/5 and the 6th largest 5/2.
        // P(U <= 5) for 6 and 6 is 19/924 (the orders with 0..5 inversions: 1, 1, 2, 3, 5, 7), so the coverage is
        // 886/924.
        double[] a = {3, 1, 6, 2, 5, 4};
        double[] b = {8, 2, 12, 4, 10, 6};
        Interval factor = RoundStatistics.unpairedRatio(b, a, 0.95);
        assertEquals(2, factor.median(), 1e-12);
        assertEquals(0.8, factor.low(), 1e-12);
        assertEquals(5.0, factor.high(), 1e-12);
        assertEquals(886.0 / 924, factor.coverage(), 1e-12);
        assertEquals(19.0 / 924, RoundStatistics.mannWhitneyCumulative(6, 6)[5], 1e-12);
        assertEquals(1.0, RoundStatistics.mannWhitneyCumulative(3, 4)[12], 1e-12);
        assertEquals(
                Verdict.CANNOT_TELL, Verdict.of(factor, 0.95), "these spreads are too wide to tell a factor of two");
    }

    @Test
    void twoTightRunsApartGiveAVerdictAndThreeRoundsEachAreTooFew() {
        double[] a = {100, 101, 99, 100.5, 99.5, 100.2};
        double[] b = {110, 111, 109, 110.5, 109.5, 110.2};
        Interval factor = RoundStatistics.unpairedRatio(b, a, 0.95);
        assertEquals(1.10, factor.median(), 0.002);
        assertEquals(Verdict.FASTER, Verdict.of(factor, 0.95));
        assertEquals(Verdict.SLOWER, Verdict.of(RoundStatistics.unpairedRatio(a, b, 0.95), 0.95));
        // 3 and 3: the widest interval, the whole range, covers with 1 - 2/20 = 90%: no verdict at 95%.
        Interval three = RoundStatistics.unpairedRatio(new double[] {110, 111, 109}, new double[] {100, 101, 99}, 0.95);
        assertEquals(0.9, three.coverage(), 1e-12);
        assertEquals(Verdict.CANNOT_TELL, Verdict.of(three, 0.95));
    }

    @Test
    void sixRoundsAreTheFewestThatReach95PercentAndFiveGiveTheWholeRangeAndSaySo() {
        Interval six = RoundStatistics.median(new double[] {10, 11, 12, 13, 14, 15}, 0.95);
        assertEquals(10, six.low());
        assertEquals(15, six.high());
        assertEquals(1 - 2.0 / 64, six.coverage(), 1e-12);
        Interval five = RoundStatistics.median(new double[] {10, 11, 12, 13, 14}, 0.95);
        assertEquals(12, five.median());
        assertEquals(10, five.low());
        assertEquals(14, five.high());
        assertEquals(1 - 2.0 / 32, five.coverage(), 1e-12, "short of 95%, and the interval says so");
    }

    @Test
    void twentyRoundsNarrowTheInterval() {
        double[] values = new double[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        // For n = 20, P(Bin <= 5) = 21700 / 2^20: k = 6 gives 0.9586, k = 7 gives 0.8847.
        Interval interval = RoundStatistics.median(values, 0.95);
        assertEquals(6, interval.low());
        assertEquals(15, interval.high());
        assertEquals(1 - 2 * 21700.0 / (1 << 20), interval.coverage(), 1e-12);
        assertEquals((15 - 6) / 2.0 / 10.5, interval.relativeHalfWidth(), 1e-12);
    }

    @Test
    void aPairedRatioCancelsWhatTheRoundsShareAndGivesAVerdict() {
        // The machine's speed swings by a factor of two between rounds; A is 10% faster than B in every one.
        double[] b = {100, 200, 150, 120, 180, 90, 160, 110};
        double[] a = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = b[i] * 1.1;
        }
        Interval ratio = RoundStatistics.pairedRatio(a, b, 0.95);
        assertEquals(1.1, ratio.median(), 1e-12);
        assertEquals(1.1, ratio.low(), 1e-12);
        assertEquals(Verdict.FASTER, Verdict.of(ratio, 0.95));
        assertEquals(Verdict.SLOWER, Verdict.of(RoundStatistics.pairedRatio(b, a, 0.95), 0.95));
        // Unpaired, the two medians' intervals overlap widely: the pairing is what tells them apart.
        Interval aAlone = RoundStatistics.median(a, 0.95);
        Interval bAlone = RoundStatistics.median(b, 0.95);
        assertEquals(true, aAlone.low() < bAlone.high());
    }

    @Test
    void ratiosOnBothSidesOfOneCannotTell() {
        Interval ratio = RoundStatistics.pairedRatio(
                new double[] {105, 95, 102, 99, 101, 97}, new double[] {100, 100, 100, 100, 100, 100}, 0.95);
        assertEquals(Verdict.CANNOT_TELL, Verdict.of(ratio, 0.95));
    }

    @Test
    void fiveRoundsAllOnOneSideAreTooFewForAVerdictAt95Percent() {
        Interval ratio = RoundStatistics.pairedRatio(
                new double[] {110, 111, 112, 113, 114}, new double[] {100, 100, 100, 100, 100}, 0.95);
        assertEquals(0.9375, ratio.coverage(), 1e-12, "the whole range of five: 1 - 2/32");
        assertEquals(Verdict.CANNOT_TELL, Verdict.of(ratio, 0.95));
        Interval six = RoundStatistics.pairedRatio(
                new double[] {110, 111, 112, 113, 114, 115}, new double[] {100, 100, 100, 100, 100, 100}, 0.95);
        assertEquals(Verdict.FASTER, Verdict.of(six, 0.95), "six rounds all faster: 1 - 2/64 = 96.9%");
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RoundStatistics.median(new double[0], 0.95));
        assertThrows(IllegalArgumentException.class, () -> RoundStatistics.median(new double[] {1}, 1.5));
        assertThrows(
                IllegalArgumentException.class,
                () -> RoundStatistics.pairedRatio(new double[] {1, 2}, new double[] {1}, 0.95));
    }
}
