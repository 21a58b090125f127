/* test_cache.c - the compiled-lexicon cache: an image is written, replayed with the same result,
 * and never used once a rule or lexicon file changed or the image is damaged. */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "helpers.h"
#include "ruleset.h"

static const char *main_rules =
    "layer names person place\n"
    "lexicon surname\n  许\n  毛\n"
    "lexicon place \"places.txt\"\n"
    "class han /\\p{Han}/\n"
    "phase lexical\n"
    "rule place\n  match p=@place\n  emit place p\n"
    "rule person\n  match n=(@surname %han{1,2}) &(\"出席\" | \"主持\")\n  emit person n\n"
    "reject place \"stop.txt\"\n";

typedef struct {
    char rules[64], cache[64], image[512];
} fixture;

static void write_file(const char *dir, const char *name, const char *text, const char *mode) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->rules, sizeof fx->rules, "/tmp/govner-rules-XXXXXX");
    snprintf(fx->cache, sizeof fx->cache, "/tmp/govner-cache-XXXXXX");
    if (!fx || !mkdtemp(fx->rules) || !mkdtemp(fx->cache))
        return -1;
    write_file(fx->rules, "main.rules", main_rules, "w");
    write_file(fx->rules, "places.txt", "# places\n湖南\tcode=430000\n长沙\tcode=430100\n湘潭\tcode=430300\n", "w");
    write_file(fx->rules, "stop.txt", "湘潭\n", "w");
    char main_file[128];
    snprintf(main_file, sizeof main_file, "%s/main.rules", fx->rules);
    char *image = cache_file_name(fx->cache, main_file);
    if (!image)
        return -1;
    snprintf(fx->image, sizeof fx->image, "%s", image);
    free(image);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", fx->rules, fx->cache);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

/* The entities found in `text`, one per line with their attributes. */
static char *entities(const govner_ruleset *rs, const char *text) {
    govner_matcher *m = govner_matcher_new(rs);
    govner_error err;
    assert_int_equal(govner_match(m, text, strlen(text), &err), GOVNER_OK);
    size_t cap = 4096, len = 0;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < govner_entity_count(m); i++) {
        const govner_entity *e = govner_entity_at(m, i);
        len += (size_t)snprintf(out + len, cap - len, "%s %s %zu %zu", e->type, e->text, e->start, e->end);
        for (size_t a = 0; a < e->n_attrs; a++)
            for (size_t v = 0; v < e->attrs[a].n_values; v++)
                len += (size_t)snprintf(out + len, cap - len, " %s=%s", e->attrs[a].key, e->attrs[a].values[v]);
        len += (size_t)snprintf(out + len, cap - len, "\n");
        assert_true(len < cap);
    }
    govner_matcher_free(m);
    return out;
}

static govner_ruleset *load_cached(const fixture *fx, bool expect_replayed) {
    govner_error err;
    govner_ruleset *rs = govner_ruleset_load_cached(fx->rules, fx->cache, &err);
    if (!rs)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
    assert_int_equal(rs->cache.adopted, expect_replayed);
    return rs;
}

static const char *text = "许达哲出席。长沙、湘潭、湖南和株洲。毛伟明主持。";

static void assert_same_as_built(const fixture *fx, const govner_ruleset *rs) {
    govner_error err;
    govner_ruleset *built = govner_ruleset_load(fx->rules, &err);
    assert_non_null(built);
    char *a = entities(built, text), *b = entities(rs, text);
    assert_string_equal(a, b);
    assert_int_equal(govner_ruleset_entry_count(built), govner_ruleset_entry_count(rs));
    free(a);
    free(b);
    govner_ruleset_free(built);
}

static void test_written_then_replayed(void **state) {
    fixture *fx = *state;
    struct stat st;
    assert_int_not_equal(stat(fx->image, &st), 0);
    govner_ruleset *first = load_cached(fx, false);
    assert_int_equal(stat(fx->image, &st), 0);
    govner_ruleset *second = load_cached(fx, true);
    char *a = entities(first, text), *b = entities(second, text);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "place 长沙 6 8 code=430100"));
    assert_null(strstr(b, "湘潭")); /* the exact reject list came through the image too */
    assert_non_null(strstr(b, "person 毛伟明"));
    assert_same_as_built(fx, second);
    free(a);
    free(b);
    govner_ruleset_free(first);
    govner_ruleset_free(second);
}

static bool exists(const char *dir, const char *name) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

/* Written `age` seconds ago. */
static void write_aged(const char *dir, const char *name, time_t age) {
    char path[512];
    write_file(dir, name, "old", "w");
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct timespec t[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* Writing an image keeps the CACHE_KEEP newest images of the directory, its own among them, and
 * removes the others and temporary files an hour old; other files are left alone. */
static void test_old_images_pruned(void **state) {
    fixture *fx = *state;
    char name[64];
    for (int i = 0; i < 10; i++) { /* lexicons-old0 is the newest */
        snprintf(name, sizeof name, "lexicons-old%d.img", i);
        write_aged(fx->cache, name, 60 * (i + 1));
    }
    write_aged(fx->cache, "lexicons-dead.img.Ab12Cd", 7200);
    write_aged(fx->cache, "lexicons-busy.img.Ef34Gh", 10);
    write_aged(fx->cache, "notes.txt", 7200);
    govner_ruleset *rs = load_cached(fx, false);
    struct stat st;
    assert_int_equal(stat(fx->image, &st), 0);
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "lexicons-old%d.img", i);
        assert_int_equal(exists(fx->cache, name), i < CACHE_KEEP - 1);
    }
    assert_false(exists(fx->cache, "lexicons-dead.img.Ab12Cd"));
    assert_true(exists(fx->cache, "lexicons-busy.img.Ef34Gh"));
    assert_true(exists(fx->cache, "notes.txt"));
    govner_ruleset_free(rs);
    rs = load_cached(fx, true); /* its own image was kept */
    govner_ruleset_free(rs);
}

static void test_changed_lexicon_rebuilds(void **state) {
    fixture *fx = *state;
    govner_ruleset_free(load_cached(fx, false));
    write_file(fx->rules, "places.txt", "株洲\tcode=430200\n", "a");
    govner_ruleset *rs = load_cached(fx, false); /* stale: built anew and written again */
    char *found = entities(rs, text);
    assert_non_null(strstr(found, "place 株洲 15 17 code=430200"));
    free(found);
    govner_ruleset_free(rs);
    rs = load_cached(fx, true);
    found = entities(rs, text);
    assert_non_null(strstr(found, "place 株洲"));
    assert_same_as_built(fx, rs);
    free(found);
    govner_ruleset_free(rs);
}

static void test_changed_rules_rebuild(void **state) {
    fixture *fx = *state;
    govner_ruleset_free(load_cached(fx, false));
    /* A literal in a rule is an entry of the image as well. */
    write_file(fx->rules, "main.rules", "rule person2\n  match n=(@surname %han{1,2}) &\"讲话\"\n  emit person n\n", "a");
    govner_ruleset *rs = load_cached(fx, false);
    char *found = entities(rs, "许达哲讲话。");
    assert_non_null(strstr(found, "person 许达哲"));
    free(found);
    govner_ruleset_free(rs);
    /* An error in the rules is reported as without a cache. */
    write_file(fx->rules, "main.rules", "rule broken\n  match (\n", "a");
    govner_error err;
    assert_null(govner_ruleset_load_cached(fx->rules, fx->cache, &err));
    govner_error plain;
    assert_null(govner_ruleset_load(fx->rules, &plain));
    assert_string_equal(err.message, plain.message);
    assert_int_equal(err.line, plain.line);
}

static void damage(const char *path, long at, bool truncate_there) {
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    if (truncate_there) {
        assert_int_equal(ftruncate(fileno(f), at), 0);
    } else {
        assert_int_equal(fseek(f, at, SEEK_SET), 0);
        int c = fgetc(f);
        assert_int_equal(fseek(f, at, SEEK_SET), 0);
        fputc(c ^ 0x20, f);
    }
    assert_int_equal(fclose(f), 0);
}

static void test_damaged_image_ignored(void **state) {
    fixture *fx = *state;
    govner_ruleset_free(load_cached(fx, false));
    struct stat st;
    assert_int_equal(stat(fx->image, &st), 0);
    /* The magic, a count in the header, the trie's child mask (read by no other check), the file
     * stamps, the middle, the last byte. */
    long offsets[] = {3, 100, 189, 200, (long)st.st_size / 2, (long)st.st_size - 1};
    for (size_t i = 0; i < sizeof offsets / sizeof *offsets; i++) {
        damage(fx->image, offsets[i], false);
        govner_ruleset *rs = load_cached(fx, false); /* and written again, whole */
        assert_same_as_built(fx, rs);
        govner_ruleset_free(rs);
        govner_ruleset_free(load_cached(fx, true));
    }
    damage(fx->image, (long)st.st_size - 100, true);
    govner_ruleset *rs = load_cached(fx, false);
    assert_same_as_built(fx, rs);
    govner_ruleset_free(rs);
    damage(fx->image, 0, true);
    govner_ruleset_free(load_cached(fx, false));
    govner_ruleset_free(load_cached(fx, true));
}

static void test_image_truncated_while_in_use(void **state) {
    fixture *fx = *state;
    govner_ruleset_free(load_cached(fx, false));
    govner_ruleset *rs = load_cached(fx, true);
    /* Another program empties the image in place (cp over it, a full disk) while a ruleset built
     * from it is in use: the ruleset holds its own copy and goes on (a mapping would fault). */
    damage(fx->image, 0, true);
    assert_same_as_built(fx, rs);
    govner_ruleset_free(rs);
    govner_ruleset_free(load_cached(fx, false));
}

/* A file whose times have no fraction of a second, set this second, may change again unseen
 * (a file system of whole seconds): no image is written until the second is past. */
static void test_racy_file_not_cached(void **state) {
    fixture *fx = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/places.txt", fx->rules);
    struct timespec times[2] = {{time(NULL) + 1, 0}, {time(NULL) + 1, 0}}; /* + 1: a slow run stays racy */
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    govner_ruleset_free(load_cached(fx, false));
    struct stat st;
    assert_int_not_equal(stat(fx->image, &st), 0);
    times[0].tv_sec = times[1].tv_sec = time(NULL) - 60;
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    govner_ruleset_free(load_cached(fx, false));
    assert_int_equal(stat(fx->image, &st), 0);
    govner_ruleset_free(load_cached(fx, true));
}

static void test_no_cache_directory(void **state) {
    fixture *fx = *state;
    /* A cache "directory" that cannot be made: the rules load all the same, nothing is written. */
    write_file(fx->cache, "file", "", "w");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/file/sub", fx->cache);
    govner_error err;
    govner_ruleset *rs = govner_ruleset_load_cached(fx->rules, dir, &err);
    assert_non_null(rs);
    assert_false(rs->cache.adopted);
    assert_same_as_built(fx, rs);
    govner_ruleset_free(rs);
    /* Missing parents are made. */
    snprintf(dir, sizeof dir, "%s/a/b", fx->cache);
    govner_ruleset_free(govner_ruleset_load_cached(fx->rules, dir, &err));
    rs = govner_ruleset_load_cached(fx->rules, dir, &err);
    assert_non_null(rs);
    assert_true(rs->cache.adopted);
    govner_ruleset_free(rs);
}

static void test_default_dir(void **state) {
    (void)state;
    char buf[256];
    setenv("GOVNER_CACHE_DIR", "/somewhere/else", 1);
    assert_string_equal(cache_default_dir(buf, sizeof buf), "/somewhere/else");
    setenv("GOVNER_CACHE_DIR", "", 1);
    assert_null(cache_default_dir(buf, sizeof buf));
    unsetenv("GOVNER_CACHE_DIR");
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    assert_string_equal(cache_default_dir(buf, sizeof buf), "/xdg/govner");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_string_equal(cache_default_dir(buf, sizeof buf), "/home/someone/.cache/govner");
}

/* The shipped rules replay to the same ruleset: every rule example passes from the image. */
static void test_shipped_rules(void **state) {
    fixture *fx = *state;
    govner_error err;
    govner_ruleset_free(govner_ruleset_load_cached(GOVNER_TEST_RULES, fx->cache, &err));
    govner_ruleset *rs = govner_ruleset_load_cached(GOVNER_TEST_RULES, fx->cache, &err);
    assert_non_null(rs);
    assert_true(rs->cache.adopted);
    /* The jurisdiction pass's provinces come from the image too: it holds a record for the first
     * one, and the pass reads the record in the mapping. */
    bool mapped = false, held = false;
    for (size_t ph = 0; ph < rs->phases.len; ph++)
        for (size_t k = 0; k < rs->phases.items[ph].n_passes; k++) {
            const pass *ps = &rs->phases.items[ph].passes[k];
            if (ps->kind != PASS_JURISDICTION)
                continue;
            pass copy = *ps;
            held = held || cache_jurisdiction(rs, 0, &copy);
            mapped = (const char *)ps->province_of >= (const char *)rs->cache.map &&
                     (const char *)ps->province_of < (const char *)rs->cache.map + rs->cache.map_len;
        }
    assert_true(held);
    assert_true(mapped);
    assert_int_equal(govner_ruleset_check(rs, NULL, NULL, &err), 0);
    govner_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_written_then_replayed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_images_pruned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_lexicon_rebuilds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_rules_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_image_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_truncated_while_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_racy_file_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_cache_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_rules, setup, teardown),
        cmocka_unit_test(test_default_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
