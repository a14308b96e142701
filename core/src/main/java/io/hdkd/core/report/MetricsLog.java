package io.hdkd.core.report;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hdkd.core.io.AtomicFiles;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's metrics as it trains: {@code metrics.jsonl} (one object per step: epoch, batch, step, lr, loss and
 * each term, gradient norm, images/s, step time in ms and whatever the step function measured, e.g. teacher_ms) and {@code eval.jsonl} (one object per evaluation). Lines are appended and
 * flushed as they happen, so a killed run keeps its metrics; on resume, lines for steps after the checkpoint are
 * dropped (they will be run again), so the files read like an uninterrupted run's.
 */
public final class MetricsLog implements TrainingListener {

    public static final String STEPS = "metrics.jsonl";
    public static final String EVALS = "eval.jsonl";

    private final Path steps;
    private final Path evals;
    private final Gson gson = new Gson();

    public MetricsLog(Path runDir) {
        this.steps = runDir.resolve(STEPS);
        this.evals = runDir.resolve(EVALS);
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
        JsonObject o = new JsonObject();
        o.addProperty("epoch", r.epoch() + 1);
        o.addProperty("batch", r.batch() + 1);
        o.addProperty("step", r.step());
        o.addProperty("lr", r.lr());
        o.addProperty("loss", r.loss());
        for (Map.Entry<String, Double> e : r.losses().entrySet()) {
            o.addProperty("loss_" + e.getKey(), e.getValue());
        }
        o.addProperty("grad_norm", r.gradNorm());
        o.addProperty("images_per_s", r.images() / (r.stepMillis() / 1000.0));
        o.addProperty("step_ms", r.stepMillis());
        r.measures().forEach(o::addProperty);
        append(steps, o);
    }

    @Override
    public void onEvaluation(int epoch, long step, Map<String, Double> metrics) {
        JsonObject o = new JsonObject();
        o.addProperty("epoch", epoch + 1);
        o.addProperty("step", step);
        metrics.forEach(o::addProperty);
        append(evals, o);
    }

    /** Every record of a metrics file, in order (empty if the file does not exist). */
    public static List<JsonObject> read(Path file) {
        List<JsonObject> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        out.add(new Gson().fromJson(line, JsonObject.class));
                    } catch (RuntimeException e) {
                        // a line cut by a kill: the lines before it are whole
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
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
        for (JsonObject o : read(file)) {
            if (o.has("step") && o.get("step").getAsLong() <= step) {
                kept.append(gson.toJson(o)).append('\n');
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }
}
