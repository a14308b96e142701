package io.hdkd.core.report;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.train.StepRecord;
import io.hdkd.core.train.TrainingListener;
import io.hdkd.core.train.TrainingState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes a run's metrics as it trains: {@code metrics.jsonl} (one object per step, {@link StepRecord#values()}: epoch,
 * batch, step, lr, loss and each term, gradient norm, images/s, step time in ms and whatever the step function
 * measured, e.g. teacher_ms) and {@code eval.jsonl} (one object per evaluation); {@link RunFolder} reads them. Lines
 * are appended and flushed as they happen, so a killed run keeps its metrics; on resume, lines for steps after the
 * checkpoint are dropped (they will be run again), so the files read like an uninterrupted run's.
 */
public final class MetricsLog implements TrainingListener {

    private final Path steps;
    private final Path evals;
    private final Gson gson = new Gson();

    public MetricsLog(Path runDir) {
        this.steps = RunFolder.at(runDir).steps();
        this.evals = RunFolder.at(runDir).evaluations();
    }

    @Override
    public void onStart(TrainingState state, int totalSteps) {
        try {
            Files.createDirectories(steps.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + steps.getParent() + ": " + e.getMessage(), e);
        }
        truncateAfter(steps, state.step());
        truncateAfter(evals, state.step());
    }

    @Override
    public void onStep(StepRecord r) {
        append(steps, json(r.values()));
    }

    @Override
    public void onEvaluation(int epoch, long step, Map<String, Double> metrics) {
        append(evals, json(StepRecord.evaluationValues(epoch, step, metrics)));
    }

    private static JsonObject json(Map<String, Number> values) {
        JsonObject o = new JsonObject();
        values.forEach(o::addProperty);
        return o;
    }

    private void append(Path file, JsonObject o) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(gson.toJson(o));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void truncateAfter(Path file, long step) {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (JsonObject o : RunFolder.readLines(file)) {
            if (o.has("step") && o.get("step").getAsLong() <= step) {
                kept.append(gson.toJson(o)).append('\n');
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }
}
