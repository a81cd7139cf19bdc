/*
 * glfps.c — a small GL workload for `make bench`: frames per second of an offscreen scene through
 * whatever Mesa driver the environment picks (GALLIUM_DRIVER=virpipe: the vtest lanes).
 *
 * A frame: upload a 64x64 texture region, draw 64 textured quads into a 256x256 framebuffer
 * object with blending on, read one pixel back (so the frame has really been rendered before the
 * next one starts, as a program that shows its frames must wait).  After the timed frames, one more
 * with every texel 0x40: its centre pixel (4 quads overlap there) is reported, for the caller to
 * check against the value it computes.  Prints one JSON line.
 *   glfps [SECONDS]      default 5; at least 10 frames
 */
#define _POSIX_C_SOURCE 200809L
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE   256
#define TILE   64
#define QUADS  64

static const char *vs_src =
    "attribute vec2 pos; uniform vec2 off; varying vec2 uv;\n"
    "void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos * 0.25 + off, 0.0, 1.0); }\n";
static const char *fs_src =
    "precision mediump float; uniform sampler2D tex; varying vec2 uv;\n"
    "void main() { gl_FragColor = texture2D(tex, uv) * 0.5; }\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *why)
{
    fprintf(stderr, "glfps: %s\n", why);
    return 1;
}

static GLuint shader(GLenum type, const char *src)
{
    GLuint s = glCreateShader(type);
    GLint ok = 0;
    glShaderSource(s, 1, &src, NULL);
    glCompileShader(s);
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    return ok ? s : 0;
}

static int setup_egl(void)
{
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    EGLDisplay dpy = get_display ? get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL) : NULL;
    static const EGLint cfg_attr[] = { EGL_RENDERABLE_TYPE, EGL_OPENGL_ES2_BIT, EGL_NONE };
    static const EGLint ctx_attr[] = { EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE };
    EGLConfig cfg;
    EGLint n = 0;
    if (!dpy || !eglInitialize(dpy, NULL, NULL) || !eglBindAPI(EGL_OPENGL_ES_API))
        return -1;
    if (!eglChooseConfig(dpy, cfg_attr, &cfg, 1, &n))
        return -1;
    EGLContext ctx = eglCreateContext(dpy, n ? cfg : EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, ctx_attr);
    return ctx != EGL_NO_CONTEXT && eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx) ? 0 : -1;
}

/* One frame: upload, clear, 64 blended quads, the centre pixel read back. */
static void frame(GLint off, const uint8_t *texels, uint8_t px[4])
{
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, TILE, TILE, GL_RGBA, GL_UNSIGNED_BYTE, texels);
    glClearColor(0.0f, 0.0f, 0.25f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    for (unsigned q = 0; q < QUADS; q++) {
        glUniform2f(off, -0.875f + 0.25f * (float)(q % 8), -0.875f + 0.25f * (float)(q / 8));
        glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    }
    glReadPixels(SIZE / 2, SIZE / 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 5.0;
    static uint8_t texels[TILE * TILE * 4];
    static const float quad[] = { -1, -1, 1, -1, -1, 1, 1, 1 };
    GLuint fbo, target, tex;
    if (setup_egl())
        return fail("no EGL surfaceless GLES2 context");
    glGenTextures(1, &target);
    glBindTexture(GL_TEXTURE_2D, target);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, SIZE, SIZE, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, target, 0);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
        return fail("framebuffer incomplete");
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, TILE, TILE, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    GLuint vs = shader(GL_VERTEX_SHADER, vs_src), fs = shader(GL_FRAGMENT_SHADER, fs_src), prog = glCreateProgram();
    if (!vs || !fs)
        return fail("shader did not compile");
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glBindAttribLocation(prog, 0, "pos");
    glLinkProgram(prog);
    glUseProgram(prog);
    GLint off = glGetUniformLocation(prog, "off");
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, quad);
    glEnableVertexAttribArray(0);
    glViewport(0, 0, SIZE, SIZE);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE);

    unsigned frames = 0;
    uint8_t px[4] = { 0 };
    double t0 = now_s(), t;
    do {
        for (unsigned i = 0; i < sizeof texels; i++)
            texels[i] = (uint8_t)(i + frames);
        frame(off, texels, px);
        frames++;
        t = now_s() - t0;
    } while (t < seconds || frames < 10);
    memset(texels, 0x40, sizeof texels);
    frame(off, texels, px);
    if (glGetError() != GL_NO_ERROR)
        return fail("a GL call failed");
    printf("{\"frames\": %u, \"seconds\": %.3f, \"fps\": %.2f, \"pixel\": [%u, %u, %u, %u]}\n",
           frames, t, frames / t, px[0], px[1], px[2], px[3]);
    return 0;
}
