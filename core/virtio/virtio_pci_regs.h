/*
 * virtio_pci_regs.h — modern virtio-PCI layout (VIRTIO 1.2 §4.1) and device-independent bits
 * (§2.1, §6).  Offsets only; access goes through vgpu_os_mmio_* and vgpu_os_pci_*.
 */
#ifndef VIRTIO_PCI_REGS_H
#define VIRTIO_PCI_REGS_H

#define VIRTIO_PCI_VENDOR_ID        0x1af4u
#define VIRTIO_PCI_DEVICE_GPU       0x1050u  /* 0x1040 + device type 16 */

/* PCI configuration header. */
#define PCI_CFG_VENDOR_ID           0x00u
#define PCI_CFG_DEVICE_ID           0x02u
#define PCI_CFG_COMMAND             0x04u
#define PCI_CFG_STATUS              0x06u
#define PCI_CFG_CAP_PTR             0x34u
#define PCI_COMMAND_MEMORY          0x0002u
#define PCI_COMMAND_MASTER          0x0004u
#define PCI_COMMAND_INTX_DISABLE    0x0400u
#define PCI_STATUS_CAP_LIST         0x0010u
#define PCI_CAP_ID_VENDOR           0x09u
#define PCI_CAP_ID_MSIX             0x11u

/* struct virtio_pci_cap, in PCI configuration space. */
#define VIRTIO_PCI_CAP_VNDR         0u
#define VIRTIO_PCI_CAP_NEXT         1u
#define VIRTIO_PCI_CAP_LEN          2u
#define VIRTIO_PCI_CAP_CFG_TYPE     3u
#define VIRTIO_PCI_CAP_BAR          4u
#define VIRTIO_PCI_CAP_OFFSET       8u
#define VIRTIO_PCI_CAP_LENGTH       12u
#define VIRTIO_PCI_CAP_SIZE         16u
#define VIRTIO_PCI_NOTIFY_CAP_MULT  16u      /* notify_off_multiplier, in the notify cap */
#define VIRTIO_PCI_NOTIFY_CAP_SIZE  20u

#define VIRTIO_PCI_CAP_COMMON_CFG   1u
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2u
#define VIRTIO_PCI_CAP_ISR_CFG      3u
#define VIRTIO_PCI_CAP_DEVICE_CFG   4u
#define VIRTIO_PCI_CAP_PCI_CFG      5u

/* struct virtio_pci_common_cfg. */
#define VIRTIO_COMMON_DFSELECT      0u   /* le32 device_feature_select */
#define VIRTIO_COMMON_DF            4u   /* le32 device_feature */
#define VIRTIO_COMMON_GFSELECT      8u   /* le32 driver_feature_select */
#define VIRTIO_COMMON_GF            12u  /* le32 driver_feature */
#define VIRTIO_COMMON_MSIX          16u  /* le16 config_msix_vector */
#define VIRTIO_COMMON_NUMQ          18u  /* le16 num_queues */
#define VIRTIO_COMMON_STATUS        20u  /* u8 device_status */
#define VIRTIO_COMMON_CFGGEN        21u  /* u8 config_generation */
#define VIRTIO_COMMON_Q_SELECT      22u  /* le16 queue_select */
#define VIRTIO_COMMON_Q_SIZE        24u  /* le16 queue_size */
#define VIRTIO_COMMON_Q_MSIX        26u  /* le16 queue_msix_vector */
#define VIRTIO_COMMON_Q_ENABLE      28u  /* le16 queue_enable */
#define VIRTIO_COMMON_Q_NOFF        30u  /* le16 queue_notify_off */
#define VIRTIO_COMMON_Q_DESCLO      32u  /* le64 queue_desc */
#define VIRTIO_COMMON_Q_DESCHI      36u
#define VIRTIO_COMMON_Q_AVAILLO     40u  /* le64 queue_driver */
#define VIRTIO_COMMON_Q_AVAILHI     44u
#define VIRTIO_COMMON_Q_USEDLO      48u  /* le64 queue_device */
#define VIRTIO_COMMON_Q_USEDHI      52u
#define VIRTIO_COMMON_MIN_SIZE      56u  /* through queue_device; later fields are optional */

#define VIRTIO_MSI_NO_VECTOR        0xffffu

/* device_status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE   0x01u
#define VIRTIO_STATUS_DRIVER        0x02u
#define VIRTIO_STATUS_DRIVER_OK     0x04u
#define VIRTIO_STATUS_FEATURES_OK   0x08u
#define VIRTIO_STATUS_NEEDS_RESET   0x40u
#define VIRTIO_STATUS_FAILED        0x80u

/* ISR status bits (§4.1.4.5). */
#define VIRTIO_ISR_QUEUE            0x1u
#define VIRTIO_ISR_CONFIG           0x2u

/* Device-independent feature bits (§6). */
#define VIRTIO_F_INDIRECT_DESC      28u
#define VIRTIO_F_EVENT_IDX          29u
#define VIRTIO_F_VERSION_1          32u

#endif /* VIRTIO_PCI_REGS_H */
