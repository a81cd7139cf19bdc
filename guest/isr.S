/*
 * isr.S — one 16-byte entry stub per vector and the common path into isr_dispatch().
 *
 * Each stub pushes a zero error code when the CPU does not push one, then the vector number.
 * The common path saves every general register (struct isr_frame in idt.h; the C code uses no
 * FPU/SSE registers: -mgeneral-regs-only), calls isr_dispatch(frame) with DF clear and a
 * 16-byte aligned stack, restores and returns with iretq.
 */
    .section .text
    .align 16
    .globl isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
    .align 16
    .if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
    .else
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    cld
    push %r15
    push %r14
    push %r13
    push %r12
    push %r11
    push %r10
    push %r9
    push %r8
    push %rbp
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rbx
    push %rax
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    call isr_dispatch
    mov %rbx, %rsp
    pop %rax
    pop %rbx
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    pop %rbp
    pop %r8
    pop %r9
    pop %r10
    pop %r11
    pop %r12
    pop %r13
    pop %r14
    pop %r15
    add $16, %rsp
    iretq

    .section .note.GNU-stack, "", @progbits
