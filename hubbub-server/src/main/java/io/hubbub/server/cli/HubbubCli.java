package io.hubbub.server.cli;

public final class HubbubCli {
    public static void main(String[] args) {
        System.out.println("hubbub");
    }
}
