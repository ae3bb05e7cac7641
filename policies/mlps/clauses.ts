/**
 * The GB/T 22239-2019 level-3 (第三级) clauses this pack checks, with their titles, for the
 * compliance report. Data only: a rule names its clauses by these keys.
 */
export interface Clause {
  id: string;
  /** The control area (控制点) and its requirement item, as in the standard. */
  title: string;
  en: string;
}

export const STANDARD = 'GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求 (level 3)';

export const CLAUSES: Record<string, Clause> = {
  '8.1.2.2 a)': { id: '8.1.2.2 a)', title: '安全通信网络 · 通信传输 a) 采用校验技术或密码技术保证通信过程中数据的完整性', en: 'communication integrity' },
  '8.1.3.2 a)': {
    id: '8.1.3.2 a)',
    title: '安全区域边界 · 访问控制 a) 在网络边界或区域之间设置访问控制规则，默认拒绝',
    en: 'boundary access control, default deny',
  },
  '8.1.4.1 a)': {
    id: '8.1.4.1 a)',
    title: '安全计算环境 · 身份鉴别 a) 身份标识唯一，鉴别信息具有复杂度要求并定期更换',
    en: 'unique identities, password complexity and change',
  },
  '8.1.4.1 b)': {
    id: '8.1.4.1 b)',
    title: '安全计算环境 · 身份鉴别 b) 登录失败处理：结束会话、限制非法登录次数、连接超时自动退出',
    en: 'login failure handling and session timeout',
  },
  '8.1.4.1 c)': {
    id: '8.1.4.1 c)',
    title: '安全计算环境 · 身份鉴别 c) 远程管理时防止鉴别信息在网络传输过程中被窃听',
    en: 'remote management protected against eavesdropping',
  },
  '8.1.4.3 a)': { id: '8.1.4.3 a)', title: '安全计算环境 · 安全审计 a) 启用安全审计功能，审计覆盖到每个用户', en: 'security audit enabled for every user' },
  '8.1.4.3 b)': { id: '8.1.4.3 b)', title: '安全计算环境 · 安全审计 b) 审计记录包括事件的日期和时间等', en: 'audit records carry (accurate) date and time' },
  '8.1.4.3 c)': { id: '8.1.4.3 c)', title: '安全计算环境 · 安全审计 c) 对审计记录进行保护，定期备份', en: 'audit records protected and backed up' },
  '8.1.4.4 b)': { id: '8.1.4.4 b)', title: '安全计算环境 · 入侵防范 b) 关闭不需要的系统服务、默认共享和高危端口', en: 'unneeded services and ports closed' },
  '8.1.4.4 c)': {
    id: '8.1.4.4 c)',
    title: '安全计算环境 · 入侵防范 c) 通过设定终端接入方式或网络地址范围对管理终端进行限制',
    en: 'management terminals restricted by address',
  },
  '8.1.4.8 a)': { id: '8.1.4.8 a)', title: '安全计算环境 · 数据保密性 a) 采用密码技术保证重要数据在传输过程中的保密性', en: 'confidentiality in transit' },
  '8.1.4.8 b)': { id: '8.1.4.8 b)', title: '安全计算环境 · 数据保密性 b) 采用密码技术保证重要数据在存储过程中的保密性', en: 'confidentiality at rest' },
  '8.1.5.4 c)': {
    id: '8.1.5.4 c)',
    title: '安全管理中心 · 集中管控 c) 对网络链路、安全设备、网络设备和服务器等的运行状况进行集中监测',
    en: 'central monitoring',
  },
  '8.1.5.4 d)': {
    id: '8.1.5.4 d)',
    title: '安全管理中心 · 集中管控 d) 对分散在各个设备上的审计数据进行收集汇总和集中分析',
    en: 'central collection of audit data',
  },
};
