/*
 * boot.S — multiboot1 entry: 32-bit protected mode (paging off) to 64-bit long mode.
 *
 * QEMU's -kernel loader refuses ELF64 multiboot images, so the build links ELF64 and converts
 * the container to ELF32 (objcopy); this 32-bit stub is the ELF entry and the 64-bit code
 * after it runs unchanged.  The stub zeroes .bss (the loader is not trusted to), builds an
 * identity map of the low 4 GiB with 2 MiB pages, enables PAE, EFER.LME and paging, and
 * far-jumps into the 64-bit code segment.  SSE stays off (CR4.OSFXSR=0): the C code is built
 * with -mgeneral-regs-only.
 */
#define MB_MAGIC        0x1BADB002
#define MB_FLAGS        0x00000003          /* page-aligned modules, memory info */
#define CR0_PG          0x80000000
#define CR4_PAE         0x00000020
#define MSR_EFER        0xC0000080
#define EFER_LME        0x00000100
#define PTE_P_RW        0x003
#define PDE_2M          0x083               /* present, writable, page size */
#define SEL_CODE64      0x08
#define SEL_DATA        0x10

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov %eax, boot_magic
    mov %ebx, boot_info

    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov $boot_stack_top, %esp

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages = 0..4 GiB. */
    movl $(boot_pdpt + PTE_P_RW), boot_pml4
    mov $boot_pd, %eax
    or $PTE_P_RW, %eax
    xor %ecx, %ecx
1:  mov %eax, boot_pdpt(,%ecx,8)
    add $0x1000, %eax
    inc %ecx
    cmp $4, %ecx
    jne 1b

    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $PDE_2M, %eax
    mov %eax, boot_pd(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b

    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0

    lgdt gdt_ptr
    ljmp $SEL_CODE64, $long_mode

    .code64
long_mode:
    mov $SEL_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $boot_stack_top, %rsp
    mov boot_magic(%rip), %edi
    mov boot_info(%rip), %esi
    call guest_main
3:  cli
    hlt
    jmp 3b

    .section .data
    .align 8
boot_magic: .long 0
boot_info:  .long 0

    /* Null, 64-bit code, data, then two slots for the TSS descriptor (filled in by C). */
    .align 16
    .globl gdt
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF
    .quad 0x00CF92000000FFFF
    .quad 0
    .quad 0
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .align 4096
    .globl boot_pml4, boot_pdpt, boot_pd, boot_stack_guard
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
boot_stack_guard: .skip 4096        /* unmapped by paging_init(): an overflow faults */
boot_stack: .skip 65536
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
