/*
 * json.c — keys and strings written here are the benchmark's own ASCII names; only '"' and '\'
 * need escaping.
 */
#include "json.h"

static void member(struct json *j, const char *key)
{
    if (!j->first[j->depth])
        fputc(',', j->f);
    j->first[j->depth] = false;
    fprintf(j->f, "\n%*s", 2 * j->depth, "");
    if (key != NULL)
        fprintf(j->f, "\"%s\": ", key);
}

static void open_level(struct json *j, const char *key, char bracket, char closer)
{
    member(j, key);
    fputc(bracket, j->f);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
    j->closer[j->depth] = closer;
}

void json_begin(struct json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    fputc('{', f);
    j->first[0] = true;
}

void json_end(struct json *j)
{
    fputs("\n}\n", j->f);
}

void json_object(struct json *j, const char *key)
{
    open_level(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
    open_level(j, key, '[', ']');
}

void json_close(struct json *j)
{
    char closer = j->closer[j->depth];

    j->depth--;
    fprintf(j->f, "\n%*s%c", 2 * j->depth, "", closer);
}

void json_num(struct json *j, const char *key, double v)
{
    member(j, key);
    fprintf(j->f, "%.6g", v);
}

void json_int(struct json *j, const char *key, uint64_t v)
{
    member(j, key);
    fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_str(struct json *j, const char *key, const char *s)
{
    member(j, key);
    fputc('"', j->f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', j->f);
        fputc(*s, j->f);
    }
    fputc('"', j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
    member(j, key);
    fputs(v ? "true" : "false", j->f);
}
