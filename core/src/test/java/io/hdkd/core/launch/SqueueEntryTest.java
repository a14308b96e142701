package io.hdkd.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** squeue's lines (format %F|%K|%T|%o, one per array element) to states. */
class SqueueEntryTest {

    @Test
    void parsesOneEntryPerArrayElementWithItsState() throws Exception {
        String fixture = new String(SqueueEntryTest.class.getResourceAsStream("squeue-array.txt").readAllBytes(),
                StandardCharsets.UTF_8);
        List<SqueueEntry> entries = SqueueEntry.parse(fixture);
        assertThat(entries).containsExactly(
                new SqueueEntry("17", "0", "RUNNING", "/shared/sweep/slurm/submit-1.sh"),
                new SqueueEntry("17", "1", "RUNNING", "/shared/sweep/slurm/submit-1.sh"),
                new SqueueEntry("17", "3", "PENDING", "/shared/sweep/slurm/submit-1.sh"),
                new SqueueEntry("18", "2", "COMPLETING", "/shared/sweep/slurm/submit-2.sh"));
        assertThat(entries).extracting(SqueueEntry::taskState).containsExactly(TaskState.State.RUNNING,
                TaskState.State.RUNNING, TaskState.State.PENDING, TaskState.State.RUNNING);
    }

    @Test
    void anEmptyQueueIsNoEntriesAndOtherStatesWaitAsPending() {
        assertThat(SqueueEntry.parse("")).isEmpty();
        assertThat(SqueueEntry.parse("\n  \n")).isEmpty();
        assertThat(SqueueEntry.parse("5|2|requeued|/a b/submit-1.sh\n")).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo("REQUEUED");
            assertThat(e.command()).isEqualTo("/a b/submit-1.sh");
            assertThat(e.taskState()).isEqualTo(TaskState.State.PENDING);
        });
        assertThat(SqueueEntry.parse("9|1|SUSPENDED|/x/submit-1.sh")).extracting(SqueueEntry::taskState)
                .containsExactly(TaskState.State.PENDING);
    }

    @Test
    void aLineOfAnotherShapeIsAnError() {
        assertThatThrownBy(() -> SqueueEntry.parse("JOBID PARTITION NAME"))
                .hasMessageContaining("unexpected squeue line: 'JOBID PARTITION NAME'");
    }
}
