/*
 * json.h — a minimal streaming JSON writer for out/bench.json.
 */
#ifndef BENCH_JSON_H
#define BENCH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
    FILE *f;
    int depth;
    bool first[JSON_MAX_DEPTH];   /* nothing written yet at this level: no comma */
    char closer[JSON_MAX_DEPTH];  /* '}' or ']' that ends this level */
};

/* `key` is the member name inside an object, NULL inside an array or at the top. */
void json_begin(struct json *j, FILE *f);              /* the top-level object */
void json_end(struct json *j);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_close(struct json *j);                       /* ends the innermost object/array */
void json_num(struct json *j, const char *key, double v);
void json_int(struct json *j, const char *key, uint64_t v);
void json_str(struct json *j, const char *key, const char *s);
void json_bool(struct json *j, const char *key, bool v);

#endif /* BENCH_JSON_H */
