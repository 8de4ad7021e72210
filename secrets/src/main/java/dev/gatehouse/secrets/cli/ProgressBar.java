package dev.gatehouse.secrets.cli;

import java.io.PrintWriter;

/** A one-line text progress bar redrawn with carriage returns: {@code [#####-----] 12/24 files}. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final int total;

    ProgressBar(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
    }

    void update(int done) {
        int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
        out.print("\r[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total + " files");
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
