#define VMMON_VERSION (417 << 16 | 0)
