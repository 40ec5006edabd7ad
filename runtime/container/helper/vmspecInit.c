/* vmspec-init: executes a container start-up plan (a flat list of operations given as argv) with
 * plain system calls, then execs the container's process. Built by runtime/container/helper.ts.
 *
 * Why a helper: no util-linux tool can pivot_root, detach the old root AND drop capabilities /
 * switch user before exec without host binaries staying reachable from the container, and a
 * chroot instead of pivot_root is escapable with CAP_SYS_CHROOT (in Docker's default set).
 * This file knows nothing about images or OCI: every decision is made in TypeScript
 * (runtime/container/plan.ts); this program only performs the operations, in order.
 *
 * Protocol: argv[1..] is a sequence of operations `NAME ARG...` (see the table at `ops[]`).
 * fd 3 (if open) receives one status line at the end:
 *   "exit N" | "signal N" | "error CODE message"   (CODE: 125 runtime, 126 not executable,
 *   127 not found — Docker's conventions).
 * The helper's own exit status mirrors it (signal → 128+N).
 * With the `xattrs DIR` operation (before `fork`), the supervisor first reports the extended
 * attributes of every entry under DIR once the process has exited: one line per attribute,
 * "xattr HEXPATH HEXNAME HEXVALUE" (path relative to DIR, "" for DIR itself), then "xattrs-done"
 * (or "xattrs-error message" if the walk failed; the caller then reads them itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <termios.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

#define MAXFD 64

static int status_fd = -1;   /* fd 3 towards the caller, or -1 */
static int err_pipe[2] = {-1, -1}; /* child → parent: setup/exec errors (CLOEXEC) */
static int pty_sock[2] = {-1, -1}; /* child → parent: pty master fd */
static int is_child = 0;     /* after `fork`: 1 in the container process */
static int want_pty = 0;
static int slots[MAXFD];     /* `open` op results: O_PATH fds referenced as @N */
static int oldroot_fd = -1;
static char **env_list = NULL;
static pid_t child_pid = -1;
static int xattr_dir_fd = -1; /* `xattrs DIR`: opened before fork, walked by the supervisor */
static struct termios saved_tio;
static int tio_saved = 0;

static void status(const char *fmt, ...) {
  if (status_fd < 0) return;
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  (void)!write(status_fd, buf, n);
}

/* Fails the start-up with a Docker-style code; in the container process the error travels to the
 * parent through err_pipe so that it is reported once. */
static void die(int code, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (is_child && err_pipe[1] >= 0) {
    char buf[2100];
    int n = snprintf(buf, sizeof buf, "%d %s", code, msg);
    (void)!write(err_pipe[1], buf, n);
    _exit(code);
  }
  status("error %d %s", code, msg);
  fprintf(stderr, "vmspec-init: %s\n", msg);
  exit(code);
}

static const char *src_path(const char *s, char *buf, size_t len) {
  if (s[0] == '@') {
    int i = atoi(s + 1);
    if (i < 0 || i >= MAXFD || slots[i] < 0) die(125, "bad fd slot %s", s);
    snprintf(buf, len, "/proc/self/fd/%d", slots[i]);
    return buf;
  }
  return s;
}

static unsigned long num(const char *s) { return strtoul(s, NULL, 0); }

static void mkdirs(const char *path, mode_t mode) {
  char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) die(125, "mkdir %s: %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST) die(125, "mkdir %s: %s", buf, strerror(errno));
}

static void set_raw(int fd) {
  struct termios t;
  if (tcgetattr(fd, &saved_tio) < 0) return;
  tio_saved = 1;
  t = saved_tio;
  cfmakeraw(&t);
  tcsetattr(fd, TCSANOW, &t);
}

static void restore_tty(void) {
  if (tio_saved) tcsetattr(0, TCSANOW, &saved_tio);
}

static int pty_master = -1;

static void forward(int sig) {
  if (sig == SIGWINCH) {
    struct winsize ws;
    if (pty_master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(pty_master, TIOCSWINSZ, &ws);
    return;
  }
  if (child_pid > 0) kill(child_pid, sig);
}

static int recv_fd(int sock) {
  char dummy;
  struct iovec iov = {&dummy, 1};
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  if (recvmsg(sock, &msg, 0) <= 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

static void send_fd(int sock, int fd) {
  char dummy = 'p';
  struct iovec iov = {&dummy, 1};
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sock, &msg, 0) < 0) die(125, "sending the pty: %s", strerror(errno));
}

/* Copies between our stdin/stdout and the pty master until the master hangs up. */
static void relay_pty(void) {
  char buf[8192];
  int in_open = 1;
  for (;;) {
    struct pollfd p[2] = {{pty_master, POLLIN, 0}, {0, POLLIN, 0}};
    int n = poll(p, in_open ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[0].revents & POLLIN) {
      ssize_t r = read(pty_master, buf, sizeof buf);
      if (r <= 0) break;
      for (ssize_t off = 0; off < r;) {
        ssize_t w = write(1, buf + off, r - off);
        if (w < 0) { if (errno == EINTR) continue; break; }
        off += w;
      }
    } else if (p[0].revents & (POLLHUP | POLLERR)) {
      break;
    }
    if (in_open && (p[1].revents & (POLLIN | POLLHUP))) {
      ssize_t r = read(0, buf, sizeof buf);
      if (r <= 0) {
        in_open = 0; /* end of input: send EOF (^D) to the terminal */
        char eot = 4;
        (void)!write(pty_master, &eot, 1);
      } else {
        (void)!write(pty_master, buf, r);
      }
    }
  }
}

/* Writes all of buf to the status fd (lines here can be longer than status()'s buffer). */
static int status_write(const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(status_fd, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

/* A growable line buffer for one "xattr ..." record. */
struct line { char *p; size_t len, cap; };

static int line_add(struct line *l, const char *s, size_t n) {
  if (l->len + n + 1 > l->cap) {
    size_t cap = (l->len + n + 1) * 2;
    char *p = realloc(l->p, cap);
    if (!p) return -1;
    l->p = p;
    l->cap = cap;
  }
  memcpy(l->p + l->len, s, n);
  l->len += n;
  return 0;
}

static int line_hex(struct line *l, const unsigned char *b, size_t n) {
  static const char digits[] = "0123456789abcdef";
  char pair[2];
  for (size_t k = 0; k < n; k++) {
    pair[0] = digits[b[k] >> 4];
    pair[1] = digits[b[k] & 15];
    if (line_add(l, pair, 2) < 0) return -1;
  }
  return 0;
}

/* Reports the xattrs of `name` (relative to the current directory, never followed) whose path
 * below the dumped dir is `rel`. Returns -1 with errno set on failure. */
static int dump_entry_xattrs(const char *name, const char *rel, struct line *l) {
  ssize_t n = llistxattr(name, NULL, 0);
  if (n < 0) return (errno == ENOTSUP || errno == ENODATA) ? 0 : -1;
  if (n == 0) return 0;
  char *names = malloc((size_t)n);
  if (!names) return -1;
  n = llistxattr(name, names, (size_t)n);
  if (n < 0) { free(names); return -1; }
  for (char *k = names; k < names + n; k += strlen(k) + 1) {
    ssize_t vn = lgetxattr(name, k, NULL, 0);
    if (vn < 0) { if (errno == ENODATA) continue; free(names); return -1; }
    unsigned char *v = malloc((size_t)vn + 1);
    if (!v) { free(names); return -1; }
    vn = lgetxattr(name, k, v, (size_t)vn);
    if (vn < 0) { free(v); free(names); return -1; }
    l->len = 0;
    int bad = line_add(l, "xattr ", 6) || line_hex(l, (const unsigned char *)rel, strlen(rel)) || line_add(l, " ", 1) ||
              line_hex(l, (const unsigned char *)k, strlen(k)) || line_add(l, " ", 1) || line_hex(l, v, (size_t)vn) ||
              line_add(l, "\n", 1) || status_write(l->p, l->len);
    free(v);
    if (bad) { free(names); return -1; }
  }
  free(names);
  return 0;
}

/* Walks the directory open as `dfd` (taken over), whose path below the dumped dir is `rel`. The
 * process has exited: nothing changes the tree under us. Symlinks are never followed (entries are
 * named relative to the directory we fchdir'd into, and opened O_NOFOLLOW). */
static int dump_dir_xattrs(int dfd, const char *rel, struct line *l) {
  if (fchdir(dfd) < 0) { close(dfd); return -1; }
  DIR *d = fdopendir(dfd);
  if (!d) { close(dfd); return -1; }
  struct dirent *e;
  int rc = 0;
  errno = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    size_t rn = strlen(rel), nn = strlen(e->d_name);
    char *sub = malloc(rn + nn + 2);
    if (!sub) { rc = -1; break; }
    if (rn > 0) { memcpy(sub, rel, rn); sub[rn] = '/'; memcpy(sub + rn + 1, e->d_name, nn + 1); }
    else memcpy(sub, e->d_name, nn + 1);
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || dump_entry_xattrs(e->d_name, sub, l) < 0) rc = -1;
    else if (S_ISDIR(st.st_mode)) {
      int sfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sfd < 0 || dump_dir_xattrs(sfd, sub, l) < 0 || fchdir(dirfd(d)) < 0) rc = -1;
    }
    free(sub);
    errno = 0;
  }
  if (rc == 0 && errno != 0) rc = -1;
  int saved = errno;
  closedir(d);
  errno = saved;
  return rc;
}

static void dump_xattrs(void) {
  if (xattr_dir_fd < 0 || status_fd < 0) return;
  struct line l = {0};
  int rc = fchdir(xattr_dir_fd) < 0 ? -1 : dump_entry_xattrs(".", "", &l);
  if (rc == 0) {
    int dfd = openat(xattr_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rc = dfd < 0 ? -1 : dump_dir_xattrs(dfd, "", &l);
  }
  if (rc == 0) status("xattrs-done");
  else status("xattrs-error %s", strerror(errno));
  free(l.p);
  close(xattr_dir_fd);
  xattr_dir_fd = -1;
}

/* The parent after `fork`: forwards signals, relays the pty, reports the child's fate. */
static void supervise(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  struct sigaction sa = {0};
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  close(err_pipe[1]);
  if (want_pty) {
    close(pty_sock[1]);
    pty_master = recv_fd(pty_sock[0]);
    close(pty_sock[0]);
  }
  /* Setup or exec errors arrive here; EOF means the process was exec'd. */
  char ebuf[2200];
  ssize_t en = 0, r;
  while ((r = read(err_pipe[0], ebuf + en, sizeof ebuf - 1 - en)) != 0) {
    if (r < 0) { if (errno == EINTR) continue; break; }
    en += r;
    if (en >= (ssize_t)sizeof ebuf - 1) break;
  }
  close(err_pipe[0]);
  if (pty_master >= 0 && en == 0) {
    if (isatty(0)) {
      struct winsize ws;
      if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(pty_master, TIOCSWINSZ, &ws);
      set_raw(0);
    }
    relay_pty();
    restore_tty();
  }
  int st;
  while (waitpid(child_pid, &st, 0) < 0) {
    if (errno != EINTR) die(125, "waitpid: %s", strerror(errno));
  }
  if (en > 0) {
    ebuf[en] = 0;
    char *sp = strchr(ebuf, ' ');
    int code = atoi(ebuf);
    const char *msg = sp ? sp + 1 : ebuf;
    status("error %d %s", code, msg);
    fprintf(stderr, "vmspec: %s\n", msg);
    exit(code ? code : 125);
  }
  dump_xattrs();
  if (WIFSIGNALED(st)) {
    status("signal %d", WTERMSIG(st));
    exit(128 + WTERMSIG(st));
  }
  status("exit %d", WEXITSTATUS(st));
  exit(WEXITSTATUS(st));
}

static void op_fork(void) {
  if (pipe2(err_pipe, O_CLOEXEC) < 0) die(125, "pipe: %s", strerror(errno));
  if (want_pty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pty_sock) < 0)
    die(125, "socketpair: %s", strerror(errno));
  fflush(NULL);
  child_pid = fork();
  if (child_pid < 0) die(125, "fork: %s", strerror(errno));
  if (child_pid > 0) supervise(); /* never returns */
  is_child = 1;
  close(err_pipe[0]);
  if (status_fd >= 0) close(status_fd);
  status_fd = -1;
  /* The container never holds a host directory fd. */
  if (xattr_dir_fd >= 0) close(xattr_dir_fd);
  xattr_dir_fd = -1;
  if (want_pty) close(pty_sock[0]);
  /* The container must not outlive its supervisor. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 0 || getppid() == 1) { /* parent already gone (outside our pid ns ppid is 0) */ }
}

static void op_pty(void) {
  int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) die(125, "open /dev/ptmx: %s", strerror(errno));
  if (unlockpt(m) < 0) die(125, "unlockpt: %s", strerror(errno));
  char name[64];
  if (ptsname_r(m, name, sizeof name) != 0) die(125, "ptsname: %s", strerror(errno));
  int s = open(name, O_RDWR | O_NOCTTY);
  if (s < 0) die(125, "open %s: %s", name, strerror(errno));
  if (setsid() < 0) die(125, "setsid: %s", strerror(errno));
  if (ioctl(s, TIOCSCTTY, 0) < 0) die(125, "TIOCSCTTY: %s", strerror(errno));
  send_fd(pty_sock[1], m);
  close(m);
  close(pty_sock[1]);
  dup2(s, 0);
  dup2(s, 1);
  dup2(s, 2);
  if (s > 2) close(s);
}

static void op_pivot(const char *root) {
  /* Same sequence as runc: pivot_root(".", ".") stacks the old root on top of the new one; the
   * old root is detached later by `detach`, after the mounts that need host sources. */
  oldroot_fd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  int newroot = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot_fd < 0 || newroot < 0) die(125, "open %s: %s", root, strerror(errno));
  if (fchdir(newroot) < 0) die(125, "chdir %s: %s", root, strerror(errno));
  if (syscall(SYS_pivot_root, ".", ".") < 0) die(125, "pivot_root %s: %s", root, strerror(errno));
  close(newroot);
  if (chdir("/") < 0) die(125, "chdir /: %s", strerror(errno));
}

static void op_detach(void) {
  if (oldroot_fd < 0) return;
  for (int i = 0; i < MAXFD; i++)
    if (slots[i] >= 0) { close(slots[i]); slots[i] = -1; }
  if (fchdir(oldroot_fd) < 0) die(125, "fchdir old root: %s", strerror(errno));
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) die(125, "make old root slave: %s", strerror(errno));
  if (umount2(".", MNT_DETACH) < 0) die(125, "detach old root: %s", strerror(errno));
  close(oldroot_fd);
  oldroot_fd = -1;
  if (chdir("/") < 0) die(125, "chdir /: %s", strerror(errno));
}

static void op_mask(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) return; /* nothing to mask */
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
      die(125, "mask %s: %s", path, strerror(errno));
  } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
    die(125, "mask %s: %s", path, strerror(errno));
  }
}

static void op_readonly(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) return;
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) die(125, "bind %s: %s", path, strerror(errno));
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0 &&
      mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
    die(125, "read-only %s: %s", path, strerror(errno));
}

static void op_lo_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) die(125, "socket: %s", strerror(errno));
  struct ifreq ifr = {0};
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) die(125, "lo flags: %s", strerror(errno));
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) die(125, "lo up: %s", strerror(errno));
  close(s);
}

/* Capabilities: `caps MASK_HI MASK_LO` keeps exactly these in the bounding set and, for uid 0,
 * in the permitted/effective sets; inheritable and ambient are cleared. */
static unsigned long long keep_caps = 0;
static int caps_given = 0;

static void drop_bounding(void) {
  int last = 40;
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
  if (f) { if (fscanf(f, "%d", &last) != 1) last = 40; fclose(f); }
  for (int c = 0; c <= last; c++) {
    if (keep_caps & (1ULL << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      die(125, "drop capability %d: %s", c, strerror(errno));
  }
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

static void set_caps(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  memset(d, 0, sizeof d);
  if (getuid() == 0) {
    d[0].effective = d[0].permitted = (unsigned)(keep_caps & 0xffffffffu);
    d[1].effective = d[1].permitted = (unsigned)(keep_caps >> 32);
  }
  if (syscall(SYS_capset, &h, d) < 0) die(125, "capset: %s", strerror(errno));
}

/* Seccomp: a small deny list in the spirit of Docker's default profile (which allows by default
 * only with CAP_SYS_ADMIN-style exceptions): no new namespaces (unshare, setns, clone with
 * CLONE_NEW* flags; clone3 gets ENOSYS so libc falls back to clone), no kernel keyrings, bpf,
 * perf events, userfaultfd, io_uring, open_by_handle_at or kexec. Other architectures' and x32
 * system calls kill the process (the filter only knows the native numbers). The same rules are
 * written into OCI bundles (runtime/container/seccomp.ts). */
#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define CLONE_NS_FLAGS 0x7E020000UL /* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET (sched.h); NEWTIME is a clone3 flag */

static void op_seccomp(void) {
#ifdef NATIVE_AUDIT_ARCH
  static const int denied[] = {
    SYS_unshare, SYS_setns, SYS_keyctl, SYS_add_key, SYS_request_key, SYS_bpf, SYS_perf_event_open,
    SYS_userfaultfd, SYS_open_by_handle_at, SYS_kexec_load,
#ifdef SYS_kexec_file_load
    SYS_kexec_file_load,
#endif
#ifdef SYS_io_uring_setup
    SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
#endif
  };
  enum { N = sizeof denied / sizeof denied[0] };
  struct sock_filter f[16 + 2 * N];
  int k = 0;
#define STMT(c, v) f[k++] = (struct sock_filter)BPF_STMT(c, v)
#define JUMP(c, v, t, e) f[k++] = (struct sock_filter)BPF_JUMP(c, v, t, e)
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0);
  STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
  JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1); /* __X32_SYSCALL_BIT */
  STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
  for (int d = 0; d < N; d++) {
    JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[d], 0, 1);
    STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  }
  JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
  STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3);
  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])); /* low 32 bits of flags */
  JUMP(BPF_JMP | BPF_JSET | BPF_K, (unsigned)CLONE_NS_FLAGS, 0, 1);
  STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#undef STMT
#undef JUMP
  struct sock_fprog prog = {(unsigned short)k, f};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) die(125, "seccomp: %s", strerror(errno));
#else
  die(125, "seccomp: this architecture has no filter yet (use seccomp=false)");
#endif
}

/* PATH search in the container's environment (execvpe would use ours). */
static void do_exec(char **argv) {
  const char *file = argv[0];
  if (file == NULL || *file == 0) die(127, "no command given");
  if (strchr(file, '/')) {
    execve(file, argv, env_list);
    int e = errno;
    die(e == ENOENT ? 127 : 126, "exec %s: %s", file, strerror(e));
  }
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (char **e = env_list; e && *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
  int saw_eacces = 0;
  char buf[PATH_MAX];
  const char *p = path;
  for (;;) {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    snprintf(buf, sizeof buf, "%.*s/%s", (int)len, len ? p : ".", file);
    execve(buf, argv, env_list);
    if (errno == EACCES || errno == ENOEXEC || errno == EPERM) saw_eacces = errno;
    if (!end) break;
    p = end + 1;
  }
  if (saw_eacces) die(126, "exec %s: %s", file, strerror(saw_eacces));
  die(127, "exec %s: executable file not found in $PATH", file);
}

static char **take_list(int argc, char **argv, int *i) {
  if (*i >= argc) die(125, "plan: missing count");
  int n = atoi(argv[(*i)++]);
  if (n < 0 || *i + n > argc) die(125, "plan: bad list");
  char **l = calloc(n + 1, sizeof(char *));
  for (int k = 0; k < n; k++) l[k] = argv[(*i)++];
  return l;
}

#define NEED(k) do { if (i + (k) > argc) die(125, "plan: %s needs %d arguments", op, k); } while (0)

int main(int argc, char **argv) {
  for (int k = 0; k < MAXFD; k++) slots[k] = -1;
  if (fcntl(3, F_GETFD) >= 0) {
    status_fd = 3;
    fcntl(3, F_SETFD, FD_CLOEXEC);
  }
  int i = 1;
  while (i < argc) {
    const char *op = argv[i++];
    char b1[64], b2[64];
    if (!strcmp(op, "pdeathsig")) {
      /* The helper (and through the child's own PDEATHSIG, the container) dies with its caller. */
      NEED(1);
      pid_t parent = getppid();
      if (prctl(PR_SET_PDEATHSIG, (int)num(argv[i]), 0, 0, 0) < 0) die(125, "pdeathsig: %s", strerror(errno));
      if (getppid() != parent) die(125, "the calling process is gone");
      i += 1;
    } else if (!strcmp(op, "userns")) {
      /* Rootless: a user namespace in which only the caller's uid/gid are mapped, to 0. A process
       * may write its own single-line maps (user_namespaces(7)); setgroups must be denied first. */
      NEED(2);
      if (unshare(CLONE_NEWUSER) < 0) die(125, "unshare(CLONE_NEWUSER): %s (are user namespaces enabled?)", strerror(errno));
      char line[64];
      int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, "deny", 4) < 0) die(125, "setgroups deny: %s", strerror(errno));
      close(fd);
      int n = snprintf(line, sizeof line, "0 %s 1", argv[i]);
      fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, line, n) < 0) die(125, "uid_map: %s", strerror(errno));
      close(fd);
      n = snprintf(line, sizeof line, "0 %s 1", argv[i + 1]);
      fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, line, n) < 0) die(125, "gid_map: %s", strerror(errno));
      close(fd);
      i += 2;
    } else if (!strcmp(op, "pty")) {
      if (is_child) op_pty(); else want_pty = 1;
    } else if (!strcmp(op, "cgjoin")) {
      NEED(1);
      int fd = open(argv[i], O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, "0", 1) < 0) die(125, "join cgroup %s: %s", argv[i], strerror(errno));
      close(fd);
      i += 1;
    } else if (!strcmp(op, "unshare")) {
      NEED(1);
      if (unshare((int)num(argv[i])) < 0) die(125, "unshare: %s", strerror(errno));
      i += 1;
    } else if (!strcmp(op, "xattrs")) {
      NEED(1);
      if (child_pid >= 0 || is_child) die(125, "xattrs must come before fork");
      xattr_dir_fd = open(argv[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (xattr_dir_fd < 0) die(125, "open %s: %s", argv[i], strerror(errno));
      i += 1;
    } else if (!strcmp(op, "fork")) {
      op_fork();
    } else if (!strcmp(op, "open")) {
      NEED(2);
      int slot = atoi(argv[i]);
      if (slot < 0 || slot >= MAXFD) die(125, "bad slot");
      slots[slot] = open(argv[i + 1], O_PATH | O_CLOEXEC);
      if (slots[slot] < 0) die(125, "open %s: %s", argv[i + 1], strerror(errno));
      i += 2;
    } else if (!strcmp(op, "mount")) {
      NEED(5); /* source target fstype flags data ("" = NULL) */
      const char *src = src_path(argv[i], b1, sizeof b1);
      const char *fs = argv[i + 2][0] ? argv[i + 2] : NULL;
      const char *data = argv[i + 4][0] ? argv[i + 4] : NULL;
      if (mount(src[0] ? src : NULL, argv[i + 1], fs, num(argv[i + 3]), data) < 0)
        die(125, "mount %s on %s (%s): %s", argv[i], argv[i + 1], fs ? fs : "-", strerror(errno));
      i += 5;
    } else if (!strcmp(op, "bind")) {
      NEED(3); /* source target flags: a bind mount, remounted with flags (e.g. ro) */
      const char *src = src_path(argv[i], b1, sizeof b1);
      unsigned long fl = num(argv[i + 2]);
      if (mount(src, argv[i + 1], NULL, MS_BIND | MS_REC, NULL) < 0)
        die(125, "bind %s on %s: %s", argv[i], argv[i + 1], strerror(errno));
      if (fl && mount(NULL, argv[i + 1], NULL, MS_BIND | MS_REMOUNT | fl, NULL) < 0)
        die(125, "remount %s: %s", argv[i + 1], strerror(errno));
      i += 3;
    } else if (!strcmp(op, "mkdirp")) {
      NEED(2);
      mkdirs(argv[i], (mode_t)num(argv[i + 1]));
      i += 2;
    } else if (!strcmp(op, "touch")) {
      NEED(1);
      int fd = open(argv[i], O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
      /* EISDIR/ELOOP: an existing dir or symlink is mounted over as is (we are inside the rootfs). */
      if (fd < 0 && errno != EISDIR && errno != ELOOP) die(125, "create %s: %s", argv[i], strerror(errno));
      if (fd >= 0) close(fd);
      i += 1;
    } else if (!strcmp(op, "mknod")) {
      NEED(4); /* path mode major minor */
      if (mknod(argv[i], (mode_t)num(argv[i + 1]) | S_IFCHR, makedev(num(argv[i + 2]), num(argv[i + 3]))) < 0 &&
          errno != EEXIST)
        die(125, "mknod %s: %s", argv[i], strerror(errno));
      chmod(argv[i], (mode_t)num(argv[i + 1]));
      i += 4;
    } else if (!strcmp(op, "symlink")) {
      NEED(2); /* target linkpath */
      if (symlink(argv[i], argv[i + 1]) < 0 && errno != EEXIST)
        die(125, "symlink %s: %s", argv[i + 1], strerror(errno));
      i += 2;
    } else if (!strcmp(op, "pivot")) {
      NEED(1);
      op_pivot(argv[i]);
      i += 1;
    } else if (!strcmp(op, "detach")) {
      op_detach();
    } else if (!strcmp(op, "mask")) {
      NEED(1);
      op_mask(argv[i]);
      i += 1;
    } else if (!strcmp(op, "readonly")) {
      NEED(1);
      op_readonly(argv[i]);
      i += 1;
    } else if (!strcmp(op, "hostname")) {
      NEED(1);
      if (sethostname(argv[i], strlen(argv[i])) < 0) die(125, "sethostname: %s", strerror(errno));
      i += 1;
    } else if (!strcmp(op, "keyring")) {
      /* A fresh anonymous session keyring (as runc does): the host's session keys stay out of reach.
       * KEYCTL_JOIN_SESSION_KEYRING = 1 (linux/keyctl.h). */
      if (syscall(SYS_keyctl, 1, NULL) < 0 && errno != ENOSYS) die(125, "new session keyring: %s", strerror(errno));
    } else if (!strcmp(op, "lo")) {
      op_lo_up();
    } else if (!strcmp(op, "rlimit")) {
      NEED(3); /* resource soft hard ("-1" = infinity) */
      struct rlimit rl;
      long long s = strtoll(argv[i + 1], NULL, 0), h = strtoll(argv[i + 2], NULL, 0);
      rl.rlim_cur = s < 0 ? RLIM_INFINITY : (rlim_t)s;
      rl.rlim_max = h < 0 ? RLIM_INFINITY : (rlim_t)h;
      if (setrlimit((int)num(argv[i]), &rl) < 0) die(125, "setrlimit %s: %s", argv[i], strerror(errno));
      i += 3;
    } else if (!strcmp(op, "caps")) {
      NEED(2);
      keep_caps = ((unsigned long long)num(argv[i]) << 32) | (num(argv[i + 1]) & 0xffffffffULL);
      caps_given = 1;
      drop_bounding();
      i += 2;
    } else if (!strcmp(op, "user")) {
      NEED(2); /* uid gid, then a counted list of supplementary groups */
      uid_t uid = (uid_t)num(argv[i]);
      gid_t gid = (gid_t)num(argv[i + 1]);
      i += 2;
      char **gl = take_list(argc, argv, &i);
      int ng = 0;
      gid_t groups[NGROUPS_MAX > 256 ? 256 : NGROUPS_MAX];
      for (; gl[ng] && ng < 256; ng++) groups[ng] = (gid_t)num(gl[ng]);
      /* In a rootless user namespace setgroups is denied; with no groups requested that is fine. */
      if (setgroups(ng, groups) < 0 && !(errno == EPERM && ng == 0)) die(125, "setgroups: %s", strerror(errno));
      if (setresgid(gid, gid, gid) < 0) die(125, "setgid %u: %s", gid, strerror(errno));
      if (setresuid(uid, uid, uid) < 0) die(125, "setuid %u: %s", uid, strerror(errno));
      if (caps_given) set_caps();
      free(gl);
    } else if (!strcmp(op, "nnp")) {
      if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die(125, "no_new_privs: %s", strerror(errno));
    } else if (!strcmp(op, "seccomp")) {
      op_seccomp();
    } else if (!strcmp(op, "chdir")) {
      NEED(1);
      if (chdir(argv[i]) < 0) die(125, "chdir %s: %s", argv[i], strerror(errno));
      i += 1;
    } else if (!strcmp(op, "setsid")) {
      if (setsid() < 0 && errno != EPERM) die(125, "setsid: %s", strerror(errno));
    } else if (!strcmp(op, "env")) {
      env_list = take_list(argc, argv, &i);
    } else if (!strcmp(op, "exec")) {
      char **a = take_list(argc, argv, &i);
      do_exec(a);
    } else {
      snprintf(b2, sizeof b2, "%s", op);
      die(125, "plan: unknown operation '%s'", b2);
    }
  }
  die(125, "plan ended without exec");
  return 125;
}
