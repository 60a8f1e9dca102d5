export interface ConfirmDialogProps {
    title: string;
    message: string;
    confirmLabel: string;
    onConfirm(): void;
    onCancel(): void;
}
export declare function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps): import("react").JSX.Element;
