/* AFL++ fork-server driver of the exec benchmark: run the harness once on the file in argv[1]. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Static, so the read costs no allocation (ASan's malloc is not cheap). */
static uint8_t buf[1 << 20];

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror(argv[1]);
    return 2;
  }
  ssize_t len = read(fd, buf, sizeof(buf));
  close(fd);
  if (len < 0) {
    perror(argv[1]);
    return 2;
  }
  return LLVMFuzzerTestOneInput(buf, (size_t)len);
}
