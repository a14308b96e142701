package io.hdkd.core.data.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoReaderTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("instances.json");
        Files.writeString(f, json.replace('\'', '"'));
        return f;
    }

    private static String file(String images, String annotations, String categories) {
        return "{'info': {'year': 2017}, 'licenses': [], 'images': [" + images + "], 'annotations': [" + annotations
                + "], 'categories': [" + categories + "]}";
    }

    private static final String IMG1 = "{'id': 1, 'file_name': 'a.png', 'width': 100, 'height': 80}";
    private static final String IMG2 = "{'id': 2, 'file_name': 'sub/b.png', 'width': 50, 'height': 50}";
    private static final String CATS = "{'id': 90, 'name': 'toothbrush'}, {'id': 1, 'name': 'person'},"
            + " {'id': 18, 'name': 'dog'}";

    private DetectionDataset read(String json) throws IOException {
        return CocoReader.read(write(json), dir, CocoReader.Options.STRICT).dataset();
    }

    private String readError(String json, BoxPolicy policy) throws IOException {
        Path f = write(json);
        try {
            CocoReader.read(f, dir, new CocoReader.Options(policy, false));
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).doesNotContain("\n").startsWith(f + ": ");
            return e.getMessage().substring(f.toString().length() + 2);
        }
        throw new AssertionError("no error");
    }

    @Test
    void readsRealCocoShapesWithNonContiguousCategoryIds() throws IOException {
        DetectionDataset ds = read(file(IMG1 + "," + IMG2,
                "{'id': 5, 'image_id': 1, 'category_id': 18, 'bbox': [10, 20, 30, 40], 'area': 900.5, 'iscrowd': 0,"
                        + " 'segmentation': [[10, 20, 40, 20, 40, 60, 10, 60]]},"
                        + "{'id': 6, 'image_id': 1, 'category_id': 90, 'bbox': [0, 0, 100, 80], 'iscrowd': 1,"
                        + " 'area': 5000, 'segmentation': {'counts': [0, 5, 7, 1000], 'size': [80, 100]}},"
                        + "{'id': 7, 'image_id': 1, 'category_id': 1, 'bbox': [1.5, 2.5, 3, 4]}",
                CATS));
        // Sorted by id: person (1) -> 0, dog (18) -> 1, toothbrush (90) -> 2.
        assertThat(ds.categories()).containsExactly(new Category(1, "person"), new Category(18, "dog"),
                new Category(90, "toothbrush"));
        assertThat(ds.images()).extracting(ImageRecord::id).containsExactly(1L, 2L);
        ImageRecord a = ds.images().get(0);
        assertThat(a.width()).isEqualTo(100);
        assertThat(a.objects()).containsExactly(
                new ObjectAnnotation(5, 1, 10, 20, 30, 40, 900.5, false),
                new ObjectAnnotation(6, 2, 0, 0, 100, 80, 5000, true),
                // area defaults to w*h, iscrowd to 0
                new ObjectAnnotation(7, 0, 1.5, 2.5, 3, 4, 12, false));
        assertThat(ds.images().get(1).objects()).isEmpty();
        assertThat(ds.images().get(1).fileName()).isEqualTo("sub/b.png");
    }

    @Test
    void oneLineErrorsNameFileAndRecord() throws IOException {
        String ok = "{'id': 17, 'image_id': 1, 'category_id': 1, 'bbox': [1, 1, 5, 5]}";
        assertThat(readError(file(IMG1, ok.replace("[1, 1, 5, 5]", "[1, 1, -3, 5]"), CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation id 17: bbox width must be > 0, got -3");
        assertThat(readError(file(IMG1, ok.replace("[1, 1, 5, 5]", "[1, 1, 5, 0]"), CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation id 17: bbox height must be > 0, got 0");
        assertThat(readError(file(IMG1, ok.replace("[1, 1, 5, 5]", "[98, 1, 5, 5]"), CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation id 17: bbox [98, 1, 5, 5] leaves image id 1 (100x80)");
        assertThat(readError(file(IMG1, ok.replace("'bbox': [1, 1, 5, 5]", "'bbox': [1, 1, 5]"), CATS),
                BoxPolicy.ERROR)).isEqualTo("annotation id 17: bbox must have 4 numbers [x, y, w, h]");
        assertThat(readError(file(IMG1, ok.replace(", 'bbox': [1, 1, 5, 5]", ""), CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation id 17: missing field \"bbox\"");
        assertThat(readError(file(IMG1, ok.replace("'id': 17, ", ""), CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation #1: missing field \"id\"");
        assertThat(readError(file(IMG1, ok + "," + ok, CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation id 17: duplicate id");
        assertThat(readError(file(IMG1, ok.replace("'image_id': 1", "'image_id': 4"), CATS), BoxPolicy.ERROR))
                .isEqualTo("annotation id 17: image_id 4 is not in \"images\"");
        assertThat(readError(file(IMG1, ok.replace("'category_id': 1", "'category_id': 3"), CATS),
                BoxPolicy.ERROR)).isEqualTo("annotation id 17: category_id 3 is not in \"categories\"");
        assertThat(readError(file(IMG1 + "," + IMG1, "", CATS), BoxPolicy.ERROR))
                .isEqualTo("image id 1: duplicate id");
        assertThat(readError(file(IMG1, "", CATS + ", {'id': 18, 'name': 'cat'}"), BoxPolicy.ERROR))
                .isEqualTo("category id 18: duplicate id");
        assertThat(readError(file(IMG1.replace("'width': 100, ", ""), "", CATS), BoxPolicy.ERROR))
                .isEqualTo("image id 1: missing field \"width\"");
        assertThat(readError("{'images': [], 'annotations': []}", BoxPolicy.ERROR))
                .isEqualTo("missing the \"categories\" list");
    }

    @Test
    void malformedJsonSaysWhere() throws IOException {
        String msg = readError("{'images': [\n{'id': 1,, }]}", BoxPolicy.ERROR);
        assertThat(msg).startsWith("malformed JSON: ").contains("line 2").contains("column");
        assertThat(readError("{'images': 3}", BoxPolicy.ERROR))
                .startsWith("malformed JSON: \"images\" must be a list");
        assertThat(readError("{'images': [{'id': 'x1'}]}", BoxPolicy.ERROR)).startsWith("malformed JSON: ");
        assertThat(CocoReader.check(dir.resolve("nope.json"), dir).problems())
                .containsExactly(dir.resolve("nope.json") + ": no such file");
    }

    @Test
    void boxPolicies() throws IOException {
        String anns = "{'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [90, 70, 20, 20], 'area': 400},"
                + "{'id': 2, 'image_id': 1, 'category_id': 1, 'bbox': [10, 10, 0, 20]},"
                + "{'id': 3, 'image_id': 1, 'category_id': 1, 'bbox': [120, 10, 5, 5]},"
                + "{'id': 4, 'image_id': 1, 'category_id': 1, 'bbox': [-5, 10, 10, 10], 'area': 100}";
        Path f = write(file(IMG1, anns, CATS));

        CocoReader.Result clip = CocoReader.read(f, dir, new CocoReader.Options(BoxPolicy.CLIP, false));
        // 1 and 4 clipped to the 100x80 image; 2 (no width) and 3 (entirely outside) dropped.
        assertThat(clip.clipped()).isEqualTo(2);
        assertThat(clip.dropped()).isEqualTo(2);
        assertThat(clip.dataset().images().get(0).objects()).containsExactly(
                new ObjectAnnotation(1, 0, 90, 70, 10, 10, 100, false),
                new ObjectAnnotation(4, 0, 0, 10, 5, 10, 50, false));

        CocoReader.Result drop = CocoReader.read(f, dir, new CocoReader.Options(BoxPolicy.DROP, false));
        assertThat(drop.dropped()).isEqualTo(4);
        assertThat(drop.clipped()).isZero();
        assertThat(drop.dataset().images().get(0).objects()).isEmpty();

        CocoReader.Result keep = CocoReader.read(f, dir, CocoReader.Options.FOR_EVALUATION);
        assertThat(keep.dataset().images().get(0).objects()).hasSize(4);
    }

    @Test
    void evaluationGroundTruthMayLeaveOutImageSizesAndNames() throws IOException {
        Path f = write(file("{'id': 4}", "{'id': 1, 'image_id': 4, 'category_id': 1, 'bbox': [1, 2, 3, 4]}", CATS));
        DetectionDataset ds = CocoReader.read(f, dir, CocoReader.Options.FOR_EVALUATION).dataset();
        assertThat(ds.images()).singleElement().satisfies(im -> assertThat(im.objects()).hasSize(1));
        assertThat(readError(file("{'id': 4}", "", CATS), BoxPolicy.ERROR))
                .isEqualTo("image id 4: missing field \"file_name\"");
    }

    @Test
    void fileNamesEscapingTheImageFolderAreAlwaysRefused() throws IOException {
        for (BoxPolicy policy : BoxPolicy.values()) {
            assertThat(readError(file(IMG1.replace("a.png", "../secret.png"), "", CATS), policy))
                    .isEqualTo("image id 1: file_name '../secret.png' escapes the image folder");
            assertThat(readError(file(IMG1.replace("a.png", "/etc/passwd"), "", CATS), policy))
                    .isEqualTo("image id 1: file_name '/etc/passwd' escapes the image folder");
            assertThat(readError(file(IMG1.replace("a.png", "sub/../../x.png"), "", CATS), policy))
                    .contains("escapes the image folder");
        }
        // Dots that stay inside are fine.
        assertThat(read(file(IMG1.replace("a.png", "sub/../a.png"), "", CATS)).images()).hasSize(1);
    }

    @Test
    void imagesAreCheckedFromTheirHeaderWhenAsked() throws IOException {
        ImageIO.write(new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("a.png").toFile());
        Files.createDirectories(dir.resolve("sub"));
        ImageIO.write(new BufferedImage(40, 50, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("sub/b.png").toFile());
        Path f = write(file(IMG1 + "," + IMG2 + ",{'id': 3, 'file_name': 'c.png', 'width': 5, 'height': 5}", "",
                CATS));
        assertThat(CocoReader.read(f, dir, CocoReader.Options.STRICT).dataset().images()).hasSize(3);

        assertThatThrownBy(() -> CocoReader.read(f, dir, new CocoReader.Options(BoxPolicy.ERROR, true)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": image id 2 (sub/b.png): declared 50x50 but the file is 40x50");
        assertThat(CocoReader.check(f, dir).problems()).containsExactly(
                f + ": image id 2 (sub/b.png): declared 50x50 but the file is 40x50",
                f + ": image id 3 (c.png): image file not found: " + dir.toAbsolutePath().normalize().resolve("c.png"));
    }

    @Test
    void checkCollectsEveryProblem() throws IOException {
        Path f = write(file(IMG1 + "," + IMG1 + ",{'id': 3, 'file_name': '../x.png', 'width': 5, 'height': 5}",
                "{'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, -1, 5]},"
                        + "{'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 1, 5]},"
                        + "{'id': 2, 'image_id': 9, 'category_id': 1, 'bbox': [0, 0, 1, 5]},"
                        + "{'id': 3, 'image_id': 1, 'category_id': 2, 'bbox': [0, 0, 1, 5]},"
                        + "{'id': 4, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 1, 5]}",
                CATS));
        ImageIO.write(new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("a.png").toFile());
        CocoReader.Result r = CocoReader.check(f, dir);
        assertThat(r.problems()).extracting(p -> p.substring(f.toString().length() + 2)).containsExactly(
                "image id 1: duplicate id",
                "image id 3: file_name '../x.png' escapes the image folder",
                "annotation id 1: bbox width must be > 0, got -1",
                "annotation id 1: duplicate id",
                "annotation id 2: image_id 9 is not in \"images\"",
                "annotation id 3: category_id 2 is not in \"categories\"");
        assertThat(r.dataset().images()).hasSize(1);
        assertThat(r.dataset().images().get(0).objects()).extracting(ObjectAnnotation::id).containsExactly(4L);
    }
}
