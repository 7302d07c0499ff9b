/*
 * Copyright (C) ngx_http_playfab_party authors
 *
 * Unit tests for playfab_random_bytes(): one CSPRNG call per buffer of
 * draws, no draw repeated, bytes handed out wiped, and a forked child
 * that refills rather than repeat its parent's next bytes.
 */

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "playfab_random.h"


#define DRAW   16
#define DRAWS  (PLAYFAB_RANDOM_BUFFER / DRAW)


static void test_refills(void);
static void test_distinct(void);
static void test_bounds(void);
static void test_fork(void);


/* a fresh process: the first draw fills, DRAWS draws use one fill */

static void
test_refills(void)
{
    int            i, ok;
    unsigned char  id[DRAW];

    CHECK(playfab_random_refills() == 0);

    ok = 1;
    for (i = 0; i < DRAWS; i++) {
        ok &= playfab_random_bytes(id, DRAW) == 0;
    }

    CHECK(ok);
    CHECK(playfab_random_refills() == 1);

    CHECK(playfab_random_bytes(id, DRAW) == 0);
    CHECK(playfab_random_refills() == 2);
}


static int
cmp_id(const void *a, const void *b)
{
    return memcmp(a, b, DRAW);
}


/* 3 buffers' worth of draws: no two alike, none all zero (wiped) */

static void
test_distinct(void)
{
    int             i, dup, zero;
    unsigned char  *ids;
    unsigned char   none[DRAW];

    ids = malloc(3 * DRAWS * DRAW);
    CHECK(ids != NULL);
    if (ids == NULL) {
        return;
    }

    for (i = 0; i < 3 * DRAWS; i++) {
        CHECK(playfab_random_bytes(ids + i * DRAW, DRAW) == 0);
    }

    qsort(ids, 3 * DRAWS, DRAW, cmp_id);
    memset(none, 0, DRAW);

    dup = 0;
    zero = 0;
    for (i = 0; i < 3 * DRAWS; i++) {
        dup += i > 0 && memcmp(ids + (i - 1) * DRAW, ids + i * DRAW, DRAW) == 0;
        zero += memcmp(ids + i * DRAW, none, DRAW) == 0;
    }

    CHECK(dup == 0);
    CHECK(zero == 0);

    free(ids);
}


/* a draw larger than the buffer is refused; one that does not fit in
 * what is left is served from a new buffer, never from wiped bytes */

static void
test_bounds(void)
{
    unsigned long  fills;
    unsigned char  big[PLAYFAB_RANDOM_BUFFER + 1], none[DRAW];

    CHECK(playfab_random_bytes(big, PLAYFAB_RANDOM_BUFFER + 1) == -1);

    fills = playfab_random_refills();
    CHECK(playfab_random_bytes(big, PLAYFAB_RANDOM_BUFFER) == 0);
    CHECK(playfab_random_refills() == fills + 1);

    CHECK(playfab_random_bytes(big, PLAYFAB_RANDOM_BUFFER - 8) == 0);
    CHECK(playfab_random_bytes(big, DRAW) == 0);
    CHECK(playfab_random_refills() == fills + 3);

    memset(none, 0, DRAW);
    CHECK(memcmp(big, none, DRAW) != 0);

    CHECK(playfab_random_bytes(big, 0) == 0);
}


/* the parent has a buffer with bytes left: its child must not hand out
 * the same ones (nginx forks its workers from the master) */

static void
test_fork(void)
{
    int            fd[2], status;
    pid_t          pid;
    ssize_t        n;
    unsigned char  parent[DRAW], child[DRAW + 1];

    CHECK(playfab_random_bytes(parent, DRAW) == 0);
    CHECK(pipe(fd) == 0);

    pid = fork();
    CHECK(pid >= 0);
    if (pid < 0) {
        return;
    }

    if (pid == 0) {
        close(fd[0]);
        child[DRAW] = (unsigned char) playfab_random_refills();
        if (playfab_random_bytes(child, DRAW) != 0) {
            _exit(1);
        }
        child[DRAW] = (unsigned char) (child[DRAW] * 16
                                       + playfab_random_refills());
        _exit(write(fd[1], child, sizeof(child)) == sizeof(child) ? 0 : 1);
    }

    close(fd[1]);
    n = read(fd[0], child, sizeof(child));
    close(fd[0]);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(n == sizeof(child));

    /* the child started with no buffer and filled its own */
    CHECK(child[DRAW] == 0 * 16 + 1);

    CHECK(playfab_random_bytes(parent, DRAW) == 0);
    CHECK(memcmp(parent, child, DRAW) != 0);
}


int
main(void)
{
    test_refills();
    test_distinct();
    test_bounds();
    test_fork();

    return UNIT_DONE();
}
